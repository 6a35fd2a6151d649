import { LoggerService } from '@backstage/backend-plugin-api';
import {
  BuildInputs,
  BuildPlatformResult,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
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
import { OCI_IMAGE_INDEX } from '../registry';
import { resolveBases } from './baseDigests';
import { BuildLog } from './BuildLog';
import { errorTypeOf, ImageNotBuildableError } from './errors';
import { ExecutorPool, PooledExecutor } from './ExecutorPool';
import { imageIndexBytes, inputsHash } from './imageIndex';
import { labelPushedImage } from './labelPushedImage';
import { mapLimit } from './mapLimit';
import { applyRetention } from './pruneOldBuilds';
import { Placement, placePlatforms } from './placement';
import { BuildsConfig } from './readBuildsConfig';
import { RegistryCredentialSource } from './RegistryCredentialSource';
import {
  PlatformManifest,
  platformsToBuild,
  reusablePlatforms,
} from './reusablePlatforms';
import { engineAuth, RunRegistryAccess } from './RunRegistryAccess';
import { platformTag, versionTagOf } from './runTags';
import { withRetries } from './retry';
import { FetchedSource, SourceFetcher } from './SourceFetcher';
import {
  describeEngineLine,
  indexPushedLine,
  platformPushedLine,
} from './digestLogLines';

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
  | {
      ok: true;
      result: BuildPlatformResult & {
        digest: string;
        pushed: PlatformManifest;
      };
    }
  | { ok: false; platform: string; error: Error };

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
        | 'retentionKeep'
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
    const registry = new RunRegistryAccess(this.options.credentials, ctx);
    const { spec } = image;
    const source = spec.source!;
    const tag = spec.tag ?? 'latest';
    const reference = `${spec.registry}/${spec.repository}:${tag}`;

    const last = await this.options.store.lastSucceeded(record.imageName);
    log.system(
      `Fetching ${source.repo}@${source.branch} (context ${source.context}, Dockerfile ${source.dockerfile})`,
    );
    const fetchSource = (knownRevision?: string) =>
      withRetries(
        () => this.options.sources.fetch(image, dir, signal, knownRevision),
        this.retryOptions(ctx, 'Fetching the source', signal),
      );
    let fetched = await fetchSource(
      record.force ? undefined : last?.inputs.sourceRevision,
    );
    let platforms = platformsToBuild(record, image);
    let inputs = await this.inputsOf(fetched, image, platforms);
    // Over all the image's platforms: a run that reused some gives the same
    // index as one that built them all from these inputs.
    const hashOf = (i: BuildInputs) =>
      inputsHash({ ...i, platforms: spec.platforms }, reference);
    let hash = hashOf(inputs);
    if (!record.force && last && last.inputsHash === hash) {
      await this.recordInputs(record, ctx, inputs, hash, reference);
      const reason = `up to date: inputs unchanged since run ${last.id}`;
      log.system(reason);
      return {
        status: 'skipped',
        reason,
        ...(last.indexDigest ? { indexDigest: last.indexDigest } : {}),
      };
    }
    if ('unchanged' in fetched) {
      // Same commit, other inputs (a base changed): now the tree is needed.
      fetched = await fetchSource();
      inputs = await this.inputsOf(fetched, image, platforms);
    }
    const source_ = fetched as FetchedSource;

    // Platforms left out are reused from the last run, if it built this source.
    const reused = await reusablePlatforms({
      image,
      platforms,
      last,
      inputs,
      log,
      registry,
    });
    const missing = spec.platforms.filter(
      p => !platforms.includes(p) && !reused.some(r => r.platform === p),
    );
    if (missing.length > 0) {
      platforms = spec.platforms.filter(
        p => !reused.some(r => r.platform === p),
      );
      inputs = { ...inputs, platforms };
    }
    hash = hashOf(inputs);
    await this.recordInputs(record, ctx, inputs, hash, reference);
    log.system(
      `Source revision ${source_.revision}; Dockerfile ${source_.dockerfileDigest}`,
    );
    for (const r of reused) {
      log.system(
        `${r.platform}: its bases did not change; reusing ${
          r.digest
        } from run ${last!.id}`,
        r.platform,
      );
      await this.options.store.setPlatform(record.id, {
        platform: r.platform,
        status: 'skipped',
        digest: r.digest,
        reusedFrom: last!.id,
      });
    }

    const candidates = await this.options.executors.candidates();
    const placements = placePlatforms(platforms, candidates);
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
            registry,
            placement,
            pooled: candidates.find(c => c.id === placement.executor)!,
            fetched: source_,
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

    const built = outcomes.map(
      o => (o as Extract<Outcome, { ok: true }>).result,
    );
    const manifests = spec.platforms
      .map(
        p =>
          built.find(b => b.platform === p)?.pushed ??
          reused.find(r => r.platform === p),
      )
      .filter((m): m is PlatformManifest => !!m);
    const versionTag = versionTagOf(
      tag,
      record.startedAt ? new Date(record.startedAt) : this.options.clock(),
    );
    log.system(`Pushing the image index ${reference} (also as ${versionTag})`);
    const indexDigest = await registry.withAuth(spec.registry, undefined, () =>
      this.pushIndex(
        image,
        [tag, versionTag],
        manifests,
        labels,
        ctx,
        registry,
      ),
    );
    log.system(indexPushedLine(reference, indexDigest));
    await applyRetention({
      image,
      keep: spec.retention?.keep ?? this.options.config.retentionKeep,
      store: this.options.store,
      registry,
      log,
      current: { id: record.id, indexDigest, platforms: manifests },
      now: this.options.clock(),
    });
    return { status: 'succeeded', indexDigest, versionTag };
  }

  private async buildPlatform(options: {
    image: ImageEntityV1alpha1;
    registry: RunRegistryAccess;
    placement: Placement;
    pooled: PooledExecutor;
    fetched: FetchedSource;
    labels: Record<string, string>;
    signal: AbortSignal;
    ctx: BuildRunContext;
    runId: string;
  }): Promise<
    BuildPlatformResult & { digest: string; pushed: PlatformManifest }
  > {
    const { image, registry, placement, pooled, fetched, signal, ctx } =
      options;
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
    // The last image of this platform is offered as cache.
    const cacheFromAuth = await registry.engineAuth(spec.registry);
    const built = await pooled.slots.use(() =>
      withRetries(
        () =>
          pooled.executor.buildPlatform({
            contextDir: fetched.contextDir,
            dockerfile: fetched.dockerfile,
            platform,
            tag,
            cacheFrom: [tag],
            ...(cacheFromAuth
              ? { cacheFromAuth, pullAuth: [cacheFromAuth] }
              : {}),
            buildArgs: spec.buildArgs,
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
    const pushed = await registry.withAuth(
      spec.registry,
      platform,
      credentials =>
        withRetries(
          () =>
            pooled.executor.push({
              tag,
              auth: engineAuth(spec.registry, credentials),
              onLog: line => ctx.log.push(platform, describeEngineLine(line)),
              signal,
              timeoutMs: this.options.config.pushTimeoutMs,
            }),
          this.retryOptions(ctx, `Pushing ${platform}`, signal, platform),
        ),
    );
    // Labels go into the pushed config rather than into the build (see labelPushedImage).
    const repository = { registry: spec.registry, repository: spec.repository };
    const labelled = await registry.withAuth(spec.registry, platform, () =>
      withRetries(
        () =>
          labelPushedImage(
            registry.client(),
            repository,
            pushed.digest,
            platformTag(spec.tag ?? 'latest', platform),
            options.labels,
          ),
        this.retryOptions(ctx, `Labelling ${platform}`, signal, platform),
      ),
    );
    ctx.log.system(
      platformPushedLine({
        platform,
        engineDigest: pushed.digest,
        manifestDigest: labelled.digest,
        durationMs: pushed.durationMs,
      }),
      platform,
    );
    const result = {
      ...running,
      status: 'succeeded' as const,
      digest: labelled.digest,
      buildDurationMs: built.durationMs,
      pushDurationMs: pushed.durationMs,
    };
    await this.options.store.setPlatform(options.runId, result);
    this.options.onChange(options.runId);
    return { ...result, pushed: { platform, ...labelled } };
  }

  private async pushIndex(
    image: ImageEntityV1alpha1,
    tags: string[],
    manifests: PlatformManifest[],
    annotations: Record<string, string>,
    ctx: BuildRunContext,
    registry: RunRegistryAccess,
  ): Promise<string> {
    const repository = {
      registry: image.spec.registry,
      repository: image.spec.repository,
    };
    const bytes = imageIndexBytes(manifests, annotations);
    return withRetries(async () => {
      const client = registry.client();
      let digest = '';
      for (const tag of tags) {
        digest = await client.putManifest(
          repository,
          tag,
          bytes,
          OCI_IMAGE_INDEX,
        );
      }
      return digest;
    }, this.retryOptions(ctx, 'Pushing the image index', ctx.signal));
  }

  private async inputsOf(
    fetched: Pick<
      FetchedSource,
      'revision' | 'dockerfileDigest' | 'dockerfileText'
    >,
    image: ImageEntityV1alpha1,
    platforms: string[],
  ): Promise<BuildInputs> {
    const { spec } = image;
    const bases = await resolveBases(
      fetched.dockerfileText,
      spec.buildArgs,
      this.options.digests,
    );
    return {
      sourceRevision: fetched.revision,
      dockerfileDigest: fetched.dockerfileDigest,
      ...(Object.keys(bases.digests).length > 0
        ? { baseDigests: bases.digests }
        : {}),
      ...(Object.keys(bases.platformDigests).length > 0
        ? { basePlatformDigests: bases.platformDigests }
        : {}),
      ...(spec.buildArgs && Object.keys(spec.buildArgs).length > 0
        ? { buildArgs: spec.buildArgs }
        : {}),
      platforms,
    };
  }

  private async recordInputs(
    record: BuildRunRecord,
    ctx: BuildRunContext,
    inputs: BuildInputs,
    hash: string,
    reference: string,
  ): Promise<void> {
    const saved = await this.options.store.setInputs({
      id: record.id,
      owner: ctx.owner,
      inputs,
      inputsHash: hash,
      reference,
    });
    if (!saved) throw new LeaseLostError('The lease on the run was lost');
    this.options.onChange(record.id);
  }
}
