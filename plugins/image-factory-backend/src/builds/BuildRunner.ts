import { LoggerService } from '@backstage/backend-plugin-api';
import {
  BuildInputs,
  BuildPlatformResult,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { ImageFactoryPushAuth } from '@image-factory/plugin-image-factory-node';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import {
  BuildRunEnd,
  BuildRunRecord,
  BuildStore,
  DigestStore,
} from '../database';
import { ociLabels } from '../executor';
import {
  OCI_IMAGE_INDEX,
  OciRegistryClient,
  RegistryCredentials,
} from '../registry';
import { resolveBaseDigests } from './baseDigests';
import { BuildLog } from './BuildLog';
import { errorTypeOf, ImageNotBuildableError } from './errors';
import { ExecutorPool, PooledExecutor } from './ExecutorPool';
import { imageIndexBytes, inputsHash } from './imageIndex';
import { Placement, placePlatforms } from './placement';
import { BuildsConfig } from './readBuildsConfig';
import { RegistryCredentialSource } from './RegistryCredentialSource';
import { withRetries } from './retry';
import { FetchedSource, SourceFetcher } from './SourceFetcher';

/** What one run needs from the worker that claimed it. */
export interface BuildRunContext {
  /** The lease owner, for every write. */
  owner: string;
  /** Aborts on cancel, shutdown or a lost lease. */
  signal: AbortSignal;
  log: BuildLog;
  /** Secrets fetched during the run, which the log removes. */
  secrets: Set<string>;
}

/** The lease was lost: another backend owns the run now, so this one stops writing. */
export class LeaseLostError extends Error {
  name = 'LeaseLostError';
}

type Outcome =
  | { ok: true; result: BuildPlatformResult & { digest: string } }
  | { ok: false; platform: string; error: Error };

/** `latest` + `linux/arm64/v8` → `latest-linux-arm64-v8`: where one platform is pushed. */
export function platformTag(tag: string, platform: string): string {
  return `${tag}-${platform.split('/').join('-')}`;
}

function pushAuth(
  host: string,
  credentials: RegistryCredentials | undefined,
): ImageFactoryPushAuth | undefined {
  if (!credentials) return undefined;
  if (credentials.type === 'basic') {
    return { ...credentials, serveraddress: host };
  }
  // The engine takes an identity token as the password of the user `<token>`.
  return {
    username: '<token>',
    password: credentials.token,
    serveraddress: host,
  };
}

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/**
 * Builds one run: fetches the source at the branch's head, skips the run
 * when its inputs did not change since the last successful one, places each
 * platform on an executor, builds and pushes the platforms in parallel (up to
 * `parallelPlatforms`), and pushes an OCI image index of them under the
 * image's tag. Transient failures of a step are retried with backoff; a
 * refused credential is refreshed once through the credential provider.
 */
export class BuildRunner {
  constructor(
    private readonly options: {
      images: () => ImageEntityV1alpha1[];
      sources: SourceFetcher;
      executors: ExecutorPool;
      credentials: RegistryCredentialSource;
      store: BuildStore;
      /** Current digests of base images, from tracking; without it inputs name only pinned bases. */
      digests?: Pick<DigestStore, 'getCurrent'>;
      config: Pick<
        BuildsConfig,
        | 'parallelPlatforms'
        | 'retries'
        | 'retryBackoffMs'
        | 'buildTimeoutMs'
        | 'pushTimeoutMs'
      >;
      logger: LoggerService;
      clock: () => Date;
      /** Told when the run's record changed (platform states). */
      onChange: (runId: string) => void;
    },
  ) {}

  /** Runs the build; throws for a failure of the run as a whole. */
  async run(
    record: BuildRunRecord,
    ctx: BuildRunContext,
  ): Promise<BuildRunEnd> {
    const image = this.options
      .images()
      .find(i => i.metadata.name === record.imageName);
    if (!image) {
      throw new ImageNotBuildableError(
        `Image ${record.imageName} is no longer in images.yaml`,
      );
    }
    if (!image.spec.source) {
      throw new ImageNotBuildableError(
        `Image ${record.imageName} has no source to build from`,
      );
    }
    const dir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'image-factory-build-'),
    );
    try {
      return await this.build(record, image, dir, ctx);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  private retryOptions(
    ctx: BuildRunContext,
    what: string,
    signal: AbortSignal,
    platform?: string,
  ) {
    return {
      retries: this.options.config.retries,
      backoffMs: this.options.config.retryBackoffMs,
      signal,
      onRetry: (error: Error, retry: number, delayMs: number) =>
        ctx.log.system(
          `${what} failed (${error.message}); retry ${retry} of ${
            this.options.config.retries
          } in ${Math.round(delayMs / 100) / 10} s`,
          platform,
        ),
    };
  }

  private async build(
    record: BuildRunRecord,
    image: ImageEntityV1alpha1,
    dir: string,
    ctx: BuildRunContext,
  ): Promise<BuildRunEnd> {
    const { log, signal } = ctx;
    const { spec } = image;
    const source = spec.source!;
    const tag = spec.tag ?? 'latest';
    const reference = `${spec.registry}/${spec.repository}:${tag}`;

    log.system(
      `Fetching ${source.repo}@${source.branch} (context ${source.context}, Dockerfile ${source.dockerfile})`,
    );
    const fetched = await withRetries(
      () => this.options.sources.fetch(image, dir, signal),
      this.retryOptions(ctx, 'Fetching the source', signal),
    );
    const baseDigests = await resolveBaseDigests(
      fetched.dockerfileText,
      spec.buildArgs,
      this.options.digests,
    );
    const inputs: BuildInputs = {
      sourceRevision: fetched.revision,
      dockerfileDigest: fetched.dockerfileDigest,
      ...(Object.keys(baseDigests).length > 0 ? { baseDigests } : {}),
      ...(spec.buildArgs && Object.keys(spec.buildArgs).length > 0
        ? { buildArgs: spec.buildArgs }
        : {}),
      platforms: spec.platforms,
    };
    const hash = inputsHash(inputs, reference);
    log.system(
      `Source revision ${fetched.revision}; Dockerfile ${fetched.dockerfileDigest}`,
    );
    if (
      !(await this.options.store.setInputs({
        id: record.id,
        owner: ctx.owner,
        inputs,
        inputsHash: hash,
        reference,
      }))
    ) {
      throw new LeaseLostError('The lease on the run was lost');
    }
    this.options.onChange(record.id);

    if (!record.force) {
      const last = await this.options.store.lastSucceeded(record.imageName);
      if (last && last.inputsHash === hash) {
        const reason = `up to date: inputs unchanged since run ${last.id}`;
        log.system(reason);
        return {
          status: 'skipped',
          reason,
          ...(last.indexDigest ? { indexDigest: last.indexDigest } : {}),
        };
      }
    }

    const candidates = await this.options.executors.candidates();
    const placements = placePlatforms(spec.platforms, candidates);
    for (const p of placements) {
      log.system(
        `placing ${p.platform} on ${p.executor}${
          p.emulated ? ' (emulated)' : ''
        }`,
        p.platform,
      );
    }

    // The first failing platform stops the others: the run fails anyway.
    const failFast = new AbortController();
    const platformSignal = AbortSignal.any([signal, failFast.signal]);
    const labels = ociLabels({
      source: fetched.repositoryUrl,
      revision: fetched.revision,
      created: this.options.clock(),
    });
    let firstFailure: string | undefined;
    const outcomes = await mapLimit(
      placements,
      this.options.config.parallelPlatforms,
      async (placement): Promise<Outcome> => {
        try {
          const result = await this.buildPlatform({
            image,
            placement,
            pooled: candidates.find(c => c.id === placement.executor)!,
            fetched,
            labels,
            signal: platformSignal,
            ctx,
            runId: record.id,
          });
          return { ok: true, result };
        } catch (e) {
          const error = e as Error;
          const stopped = platformSignal.aborted && !signal.aborted;
          const failed: BuildPlatformResult = {
            platform: placement.platform,
            status: stopped && firstFailure ? 'cancelled' : 'failed',
            executor: placement.executor,
            emulated: placement.emulated,
            error:
              stopped && firstFailure
                ? `stopped because ${firstFailure} failed`
                : error.message,
          };
          if (!firstFailure && !signal.aborted) {
            firstFailure = placement.platform;
            failFast.abort();
          }
          log.system(
            `${placement.platform} ${failed.status}: ${failed.error}`,
            placement.platform,
          );
          await this.options.store.setPlatform(record.id, failed);
          this.options.onChange(record.id);
          return { ok: false, platform: placement.platform, error };
        }
      },
    );
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
    const failure = outcomes.find(
      (o): o is Extract<Outcome, { ok: false }> =>
        !o.ok && o.platform === firstFailure,
    );
    if (failure) {
      return {
        status: 'failed',
        reason: `${failure.platform}: ${failure.error.message}`,
        errorType: errorTypeOf(failure.error),
      };
    }

    const results = outcomes.map(
      o => (o as Extract<Outcome, { ok: true }>).result,
    );
    log.system(`Pushing the image index ${reference}`);
    const indexDigest = await this.withAuth(spec.registry, ctx, undefined, () =>
      this.pushIndex(image, tag, results, labels, ctx),
    );
    log.system(`Pushed ${reference}@${indexDigest}`);
    return { status: 'succeeded', indexDigest };
  }

  private async buildPlatform(options: {
    image: ImageEntityV1alpha1;
    placement: Placement;
    pooled: PooledExecutor;
    fetched: FetchedSource;
    labels: Record<string, string>;
    signal: AbortSignal;
    ctx: BuildRunContext;
    runId: string;
  }): Promise<BuildPlatformResult & { digest: string }> {
    const { image, placement, pooled, fetched, signal, ctx } = options;
    const { platform } = placement;
    const { spec } = image;
    const running: BuildPlatformResult = {
      platform,
      status: 'running',
      executor: placement.executor,
      emulated: placement.emulated,
    };
    await this.options.store.setPlatform(options.runId, running);
    this.options.onChange(options.runId);

    const tag = `${spec.registry}/${spec.repository}:${platformTag(
      spec.tag ?? 'latest',
      platform,
    )}`;
    const built = await pooled.slots.use(() =>
      withRetries(
        () =>
          pooled.executor.buildPlatform({
            contextDir: fetched.contextDir,
            dockerfile: fetched.dockerfile,
            platform,
            tag,
            buildArgs: spec.buildArgs,
            labels: options.labels,
            onLog: line => ctx.log.build(platform, line),
            signal,
            timeoutMs: this.options.config.buildTimeoutMs,
          }),
        this.retryOptions(ctx, `Building ${platform}`, signal, platform),
      ),
    );
    ctx.log.system(
      `Built ${platform} in ${(built.durationMs / 1000).toFixed(
        1,
      )} s; pushing ${tag}`,
      platform,
    );
    const pushed = await this.withAuth(
      spec.registry,
      ctx,
      platform,
      credentials =>
        withRetries(
          () =>
            pooled.executor.push({
              tag,
              auth: pushAuth(spec.registry, credentials),
              onLog: line => ctx.log.push(platform, line),
              signal,
              timeoutMs: this.options.config.pushTimeoutMs,
            }),
          this.retryOptions(ctx, `Pushing ${platform}`, signal, platform),
        ),
    );
    ctx.log.system(
      `Pushed ${platform} as ${pushed.digest} in ${(
        pushed.durationMs / 1000
      ).toFixed(1)} s`,
      platform,
    );
    const result = {
      ...running,
      status: 'succeeded' as const,
      digest: pushed.digest,
      buildDurationMs: built.durationMs,
      pushDurationMs: pushed.durationMs,
    };
    await this.options.store.setPlatform(options.runId, result);
    this.options.onChange(options.runId);
    return result;
  }

  private async pushIndex(
    image: ImageEntityV1alpha1,
    tag: string,
    results: Array<BuildPlatformResult & { digest: string }>,
    annotations: Record<string, string>,
    ctx: BuildRunContext,
  ): Promise<string> {
    const repository = {
      registry: image.spec.registry,
      repository: image.spec.repository,
    };
    // A client per try: a refreshed credential must not meet a cached token.
    return withRetries(async () => {
      const client = OciRegistryClient.create({
        credentials: host => this.credentialsFor(host, ctx),
      });
      const manifests = await Promise.all(
        results.map(async r => {
          const head = await client.headManifest({
            ...repository,
            digest: r.digest,
          });
          return {
            platform: r.platform,
            digest: r.digest,
            mediaType: head.mediaType,
            size: head.size,
          };
        }),
      );
      return client.putManifest(
        repository,
        tag,
        imageIndexBytes(manifests, annotations),
        OCI_IMAGE_INDEX,
      );
    }, this.retryOptions(ctx, 'Pushing the image index', ctx.signal));
  }

  private async credentialsFor(host: string, ctx: BuildRunContext) {
    const credentials = await this.options.credentials.get(host);
    if (credentials?.type === 'basic') ctx.secrets.add(credentials.password);
    if (credentials?.type === 'bearer') ctx.secrets.add(credentials.token);
    return credentials;
  }

  /**
   * Runs `fn` with the registry's credentials; when the registry refuses
   * them, asks the credential provider once for new ones and runs it again.
   * Without a provider that can refresh, the auth error stands.
   */
  private async withAuth<T>(
    host: string,
    ctx: BuildRunContext,
    platform: string | undefined,
    fn: (credentials: RegistryCredentials | undefined) => Promise<T>,
  ): Promise<T> {
    let refreshed = false;
    for (;;) {
      const credentials = await this.credentialsFor(host, ctx);
      try {
        return await fn(credentials);
      } catch (e) {
        if (refreshed || errorTypeOf(e) !== 'auth') throw e;
        if (!(await this.options.credentials.refresh(host))) throw e;
        refreshed = true;
        ctx.log.system(
          `The registry ${host} refused the credentials; trying once more with refreshed ones`,
          platform,
        );
      }
    }
  }
}
