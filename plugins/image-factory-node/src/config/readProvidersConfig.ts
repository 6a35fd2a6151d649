import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { sourceWebUrl } from './sourceWebUrl';
import {
  SUPPORTED_PLATFORMS,
  tryParseImageRef,
} from '@image-factory/plugin-image-factory-common';

/**
 * What a provider is for: `executor` (runs builds), `registry` (stores images) or
 * `source` (hosts the repositories images are built from).
 *
 * @public
 */
export type ProviderKind = 'executor' | 'registry' | 'source';

/**
 * One configured provider: an executor, a registry or a source host.
 *
 * @public
 */
export interface ProviderConfig {
  /** The key under `imageFactory.providers.<kind>s`. */
  id: string;
  /** The config section it comes from: `executors`, `registries` or `sources`. */
  kind: ProviderKind;
  /** executor: docker; registry: oci, ghcr, dockerhub; source: github. */
  implementation: string;
  /** Docker host URL, registry host, or source host. */
  endpoint: string;
  /**
   * A source host's web address with its scheme (see {@link sourceWebUrl}),
   * set by {@link readProvidersConfig}.
   */
  webUrl?: string;
  /** Platforms an executor builds natively or through emulation. */
  platforms?: string[];
  /** The subset of `platforms` an executor runs through QEMU emulation. */
  emulatedPlatforms?: string[];
  /** Parallel builds an executor accepts. */
  concurrency?: number;
  /**
   * For an `ssh://` Docker host: the private key file to log in with
   * (otherwise the ssh agent of `SSH_AUTH_SOCK`). A path, never the key.
   */
  sshIdentityFile?: string;
  /** An executor's builder: `buildkit` (default) or `classic`. */
  builder?: 'buildkit' | 'classic';
  /** The network of an executor's BuildKit RUN steps: `default`, `host` or `none`. */
  buildNetwork?: 'default' | 'host' | 'none';
}

/**
 * Default `host` of an executor: the local Docker engine's socket.
 *
 * @public
 */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
/**
 * Default `concurrency` of an executor: the builds it runs at once.
 *
 * @public
 */
export const DEFAULT_EXECUTOR_CONCURRENCY = 2;

const IMPLEMENTATIONS: Record<ProviderKind, string[]> = {
  executor: ['docker'],
  registry: ['oci', 'ghcr', 'dockerhub'],
  source: ['github'],
};
const SECTION: Record<ProviderKind, string> = {
  executor: 'executors',
  registry: 'registries',
  source: 'sources',
};
const ID = /^[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?$/;

function readPlatforms(
  config: Config,
  name: string,
  providerKey: string,
): string[] | undefined {
  const platforms = config.getOptionalStringArray(name);
  for (const p of platforms ?? []) {
    if (!(SUPPORTED_PLATFORMS as readonly string[]).includes(p)) {
      throw new InputError(
        `${providerKey}.${name}: unsupported platform '${p}' (supported: ${SUPPORTED_PLATFORMS.join(
          ', ',
        )})`,
      );
    }
  }
  return platforms;
}

/**
 * The registry host as image references name it, or undefined when Docker would
 * not read it as a host (a scheme, a path, or a bare name such as `registry`,
 * which Docker takes for a repository on docker.io). `index.docker.io` becomes
 * `docker.io`, as in image references.
 *
 * @public
 */
export function normalizeRegistryHost(host: string): string | undefined {
  const parsed = tryParseImageRef(`${host}/x/probe`);
  return parsed.ok && parsed.ref.repository === 'x/probe'
    ? parsed.ref.registry
    : undefined;
}

function readKind(
  config: Config,
  root: Config | undefined,
  kind: ProviderKind,
  path: string,
  endpointKey: string,
): ProviderConfig[] {
  const section = root?.getOptionalConfig(SECTION[kind]);
  if (!section) return [];
  return section.keys().map(id => {
    const key = `${path}.${SECTION[kind]}.${id}`;
    if (!ID.test(id)) {
      throw new InputError(
        `${key}: provider ids must be 1-42 lowercase letters, digits or dashes, starting and ending with a letter or digit`,
      );
    }
    const c = section.getConfig(id);
    const implementation =
      c.getOptionalString('type') ?? IMPLEMENTATIONS[kind][0];
    if (!IMPLEMENTATIONS[kind].includes(implementation)) {
      throw new InputError(
        `${key}.type: must be one of ${IMPLEMENTATIONS[kind].join(
          ', ',
        )}, got '${implementation}'`,
      );
    }
    const endpoint =
      c.getOptionalString(endpointKey) ??
      (kind === 'executor' ? DEFAULT_DOCKER_HOST : undefined);
    if (!endpoint) {
      throw new InputError(`${key}.${endpointKey}: is required`);
    }
    if (kind === 'registry' && !normalizeRegistryHost(endpoint)) {
      throw new InputError(
        `${key}.${endpointKey}: must be a registry host with an optional port, such as 'localhost:5000' or 'ghcr.io', got '${endpoint}'`,
      );
    }
    const provider: ProviderConfig = { id, kind, implementation, endpoint };
    if (kind === 'source') {
      provider.webUrl = sourceWebUrl({ endpoint }, config);
    }
    if (kind === 'executor') {
      provider.platforms = readPlatforms(c, 'platforms', key) ?? [
        'linux/amd64',
      ];
      if (provider.platforms.length === 0) {
        throw new InputError(
          `${key}.platforms: must list at least one platform`,
        );
      }
      provider.emulatedPlatforms =
        readPlatforms(c, 'emulatedPlatforms', key) ?? [];
      const native = provider.platforms;
      const stray = provider.emulatedPlatforms.find(p => !native.includes(p));
      if (stray) {
        throw new InputError(
          `${key}.emulatedPlatforms: '${stray}' is not listed in ${key}.platforms`,
        );
      }
      provider.concurrency =
        c.getOptionalNumber('concurrency') ?? DEFAULT_EXECUTOR_CONCURRENCY;
      if (!Number.isInteger(provider.concurrency) || provider.concurrency < 1) {
        throw new InputError(
          `${key}.concurrency: must be a whole number of at least 1, got ${provider.concurrency}`,
        );
      }
      provider.builder = readChoice(c, 'builder', key, [
        'buildkit',
        'classic',
      ] as const);
      provider.buildNetwork = readChoice(c, 'buildNetwork', key, [
        'default',
        'host',
        'none',
      ] as const);
      const identityFile = c.getOptionalString('sshIdentityFile');
      if (identityFile !== undefined) {
        if (!endpoint.startsWith('ssh://')) {
          throw new InputError(
            `${key}.sshIdentityFile: only an ssh:// host logs in with a key, and ${key}.${endpointKey} is '${endpoint}'`,
          );
        }
        provider.sshIdentityFile = identityFile;
      }
    }
    return provider;
  });
}

function readChoice<T extends string>(
  c: Config,
  name: string,
  key: string,
  choices: readonly T[],
): T | undefined {
  const value = c.getOptionalString(name);
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) {
    throw new InputError(
      `${key}.${name}: must be one of ${choices.join(', ')}, got '${value}'`,
    );
  }
  return value as T;
}

/**
 * Reads `imageFactory.providers`. With none configured, the local Docker engine is
 * the one executor and github.com the one source host, so a bare install works.
 * Throws an `InputError` naming the key when a value is wrong.
 *
 * @public
 */
export function readProvidersConfig(config: Config): ProviderConfig[] {
  const path = 'imageFactory.providers';
  const root = config.getOptionalConfig(path);
  const executors = readKind(config, root, 'executor', path, 'host');
  const registries = readKind(config, root, 'registry', path, 'host');
  const sources = readKind(config, root, 'source', path, 'host');
  return [
    ...(executors.length > 0
      ? executors
      : [
          {
            id: 'local-docker',
            kind: 'executor' as const,
            implementation: 'docker',
            endpoint: DEFAULT_DOCKER_HOST,
            platforms: ['linux/amd64'],
            emulatedPlatforms: [],
            concurrency: DEFAULT_EXECUTOR_CONCURRENCY,
          },
        ]),
    ...registries,
    ...(sources.length > 0
      ? sources
      : [
          {
            id: 'github',
            kind: 'source' as const,
            implementation: 'github',
            endpoint: 'github.com',
            webUrl: 'https://github.com',
          },
        ]),
  ];
}
