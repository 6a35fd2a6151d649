import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  ProviderHealth,
  ProviderHealthState,
} from '@image-factory/plugin-image-factory-common';
import {
  ImageFactoryAnyExecutor,
  ProviderConfig,
} from '@image-factory/plugin-image-factory-node';
import { DockerExecutor } from '../executor';
import { checkRegistry, RegistryCredentials } from '../registry';

/** How long an answer is reused. */
export const PROVIDER_HEALTH_TTL_MS = 30_000;
const SOURCE_TIMEOUT_MS = 10_000;

/**
 * Checks the configured providers: executors (the engine answers, its
 * version, native platform, registered emulators and builder), registries (`GET /v2/`
 * with the configured credentials) and source hosts (`GET /user` with the
 * integration's token). Answers are cached for {@link PROVIDER_HEALTH_TTL_MS}
 * and one check runs at a time; no answer holds a secret.
 */
export class ProviderHealthChecker {
  private cached?: { at: number; items: Promise<ProviderHealth[]> };

  constructor(
    private readonly options: {
      providers: ProviderConfig[];
      executors: ImageFactoryAnyExecutor[];
      registryCredentials: (
        host: string,
      ) => Promise<RegistryCredentials | undefined>;
      integrations: ScmIntegrationRegistry;
      logger: LoggerService;
      clock?: () => Date;
      fetch?: typeof fetch;
      ttlMs?: number;
    },
  ) {}

  private now(): number {
    return (this.options.clock?.() ?? new Date()).getTime();
  }

  /** Every provider's health, from the cache while it is fresh. */
  async check(): Promise<ProviderHealth[]> {
    const ttl = this.options.ttlMs ?? PROVIDER_HEALTH_TTL_MS;
    if (!this.cached || this.now() - this.cached.at >= ttl) {
      const items = this.checkAll();
      this.cached = { at: this.now(), items };
      items.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached.items;
  }

  private async checkAll(): Promise<ProviderHealth[]> {
    const items = await Promise.all(
      this.options.providers.map(p => this.checkOne(p)),
    );
    for (const item of items) {
      if (item.state !== 'ok') {
        this.options.logger.warn('Provider unhealthy', {
          provider: `${item.type}:${item.id}`,
          state: item.state,
          message: item.message,
        });
      }
    }
    return items;
  }

  private async checkOne(provider: ProviderConfig): Promise<ProviderHealth> {
    const base = { id: provider.id, type: provider.kind };
    const checkedAt = () => new Date(this.now()).toISOString();
    try {
      switch (provider.kind) {
        case 'executor':
          return {
            ...base,
            ...(await this.executor(provider)),
            checkedAt: checkedAt(),
          };
        case 'registry': {
          const result = await checkRegistry({
            registry: provider.endpoint,
            credentials: await this.options.registryCredentials(
              provider.endpoint,
            ),
            fetch: this.options.fetch,
          });
          return { ...base, ...result, checkedAt: checkedAt() };
        }
        default:
          return {
            ...base,
            ...(await this.source(provider)),
            checkedAt: checkedAt(),
          };
      }
    } catch (e) {
      assertError(e);
      return {
        ...base,
        state: 'unreachable',
        message: e.message,
        checkedAt: checkedAt(),
      };
    }
  }

  private async executor(
    provider: ProviderConfig,
  ): Promise<Omit<ProviderHealth, 'id' | 'type' | 'checkedAt'>> {
    const executor = this.options.executors.find(e => e.id === provider.id);
    if (!executor) {
      return { state: 'unreachable', message: 'No executor with this id runs' };
    }
    if (executor instanceof DockerExecutor) {
      const health = await executor.ping();
      if (!health.reachable) {
        return { state: 'unreachable', message: health.error.message };
      }
      const emulatedPlatforms = Object.entries(health.emulators ?? {})
        .filter(([, usable]) => usable)
        .map(([arch]) => `linux/${arch}`)
        .sort();
      const { capabilities } = health;
      return {
        state: 'ok',
        message: `Docker ${health.version} (${health.platform})`,
        version: health.version,
        nativePlatform: health.platform,
        emulatedPlatforms,
        builder: {
          ...capabilities,
          description: `Docker ${health.version} ${
            capabilities.builder === 'buildkit'
              ? `BuildKit (Dockerfile frontend ${capabilities.dockerfileFrontend})`
              : 'classic builder'
          }`,
        },
      };
    }
    // An executor from a module: its own checks.
    await executor.checkHealth();
    const info = await executor.describe();
    const emulated = info.emulatedPlatforms ?? [];
    return {
      state: 'ok',
      message: 'Reachable',
      nativePlatform: info.platforms.find(p => !emulated.includes(p)),
      emulatedPlatforms: emulated,
      ...(info.builder && { builder: info.builder }),
    };
  }

  private async source(
    provider: ProviderConfig,
  ): Promise<{ state: ProviderHealthState; message: string }> {
    const integration = this.options.integrations.github.byHost(
      provider.endpoint,
    );
    if (!integration) {
      return {
        state: 'unreachable',
        message: `No GitHub integration for ${provider.endpoint} in integrations.github`,
      };
    }
    const { apiBaseUrl, token } = integration.config;
    if (!apiBaseUrl) {
      return {
        state: 'unreachable',
        message: 'The integration has no apiBaseUrl',
      };
    }
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    const signal = AbortSignal.timeout(SOURCE_TIMEOUT_MS);
    try {
      if (!token) {
        // GitHub Apps' installation tokens are made per repository; the app is
        // not checked here, only that the API answers.
        const res = await fetchImpl(apiBaseUrl, { signal });
        await res.body?.cancel();
        return {
          state: 'ok',
          message: `Reachable (HTTP ${res.status}); no token configured`,
        };
      }
      const res = await fetchImpl(`${apiBaseUrl.replace(/\/$/, '')}/user`, {
        signal,
        headers: {
          Authorization: `token ${token}`,
          Accept: 'application/vnd.github+json',
        },
      });
      await res.body?.cancel();
      if (res.ok) return { state: 'ok', message: 'Token accepted' };
      if (res.status === 401) {
        return {
          state: 'invalid-credentials',
          message: 'GitHub refused the token (bad credentials)',
        };
      }
      return {
        state: 'unreachable',
        message: `GET /user answered HTTP ${res.status}`,
      };
    } catch (e) {
      assertError(e);
      const cause = (e as { cause?: { code?: string } }).cause;
      return {
        state: 'unreachable',
        message: `No answer from ${apiBaseUrl}: ${cause?.code ?? e.message}`,
      };
    }
  }
}
