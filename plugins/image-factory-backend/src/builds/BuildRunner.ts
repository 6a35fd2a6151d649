import { LoggerService } from '@backstage/backend-plugin-api';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { BuildRunEnd, BuildRunRecord, DigestStore } from '../database';
import { ociLabels } from '../executor';
import { ImageNotBuildableError } from './errors';
import { ExecutorPool } from './ExecutorPool';
import { applyRetention } from './pruneOldBuilds';
import { RegistryCredentialSource } from './RegistryCredentialSource';
import { platformsToBuild } from './reusablePlatforms';
import { BuildRunContext } from './runContext';
import { RunRegistryAccess } from './RunRegistryAccess';
import { versionTagOf } from './runTags';
import { FetchedSource, SourceFetcher } from './SourceFetcher';
import { ActiveRun, RunStepDeps } from './steps/activeRun';
import { buildEach } from './steps/buildEach';
import {
  placeAndLog,
  planPlatforms,
  recordReused,
} from './steps/decidePlatforms';
import { fetchSource } from './steps/fetchSource';
import { indexManifests, pushIndex } from './steps/pushIndex';
import { recordInputs } from './steps/recordRun';
import { runInputs, runInputsHash } from './steps/runInputs';
import { runPlatform } from './steps/runPlatform';
import { upToDate } from './steps/upToDate';

/**
 * Builds one run as a pipeline of steps, each in `./steps`:
 *
 * 1. fetch the source at the branch's head ({@link fetchSource}); a run whose
 *    inputs did not change since the last successful one ends here
 *    ({@link upToDate});
 * 2. decide the platforms: build those asked for, reuse the others from the
 *    last run when their bases did not change, place each on an executor
 *    ({@link planPlatforms}, {@link placeAndLog});
 * 3. build each platform, up to `parallelPlatforms` at once, the first
 *    failure stopping the others ({@link buildEach}, {@link runPlatform});
 * 4. push each platform, unless its executor pushes itself, whose digest is
 *    then checked in the registry; label it;
 * 5. push an OCI image index of the platforms under the image's tag and a
 *    version tag ({@link pushIndex});
 * 6. apply the retention policy ({@link applyRetention});
 * 7. record the run's inputs and each platform's state as it goes
 *    ({@link recordInputs}); the worker records the end returned here.
 *
 * Transient failures of a step are retried with backoff; a refused
 * credential is refreshed once through the credential provider.
 */
export class BuildRunner {
  constructor(
    private readonly options: RunStepDeps & {
      images: () => ImageEntityV1alpha1[];
      sources: SourceFetcher;
      executors: ExecutorPool;
      credentials: RegistryCredentialSource;
      /** Current digests of base images, from tracking; without it inputs name only pinned bases. */
      digests?: Pick<DigestStore, 'getCurrent'>;
      /** Digests an image's lifecycle stages hold or held before; retention keeps them. */
      heldDigests?: (imageName: string) => Promise<string[]>;
      logger: LoggerService;
    },
  ) {}

  /** Runs the build; throws for a failure of the run as a whole. */
  async run(
    record: BuildRunRecord,
    ctx: BuildRunContext,
  ): Promise<BuildRunEnd> {
    const image = this.buildableImage(record);
    const dir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'image-factory-build-'),
    );
    try {
      return await this.pipeline(
        {
          record,
          image,
          ctx,
          registry: new RunRegistryAccess(this.options.credentials, ctx),
          deps: this.options,
        },
        dir,
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  private buildableImage(record: BuildRunRecord): ImageEntityV1alpha1 {
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
    return image;
  }

  private async pipeline(run: ActiveRun, dir: string): Promise<BuildRunEnd> {
    const { record, image, ctx } = run;
    const { spec } = image;
    const { sources, digests, store, clock } = this.options;
    const source = spec.source!;
    const tag = spec.tag ?? 'latest';

    // 1. Fetch the source; stop when nothing changed.
    const last = await store.lastSucceeded(record.imageName);
    ctx.log.system(
      `Fetching ${source.repo}@${source.branch} (context ${source.context}, Dockerfile ${source.dockerfile})`,
    );
    let fetched = await fetchSource(
      run,
      sources,
      dir,
      record.force ? undefined : last?.inputs.sourceRevision,
    );
    const asked = platformsToBuild(record, image);
    let inputs = await runInputs(fetched, image, asked, digests);
    const skipped = upToDate(record, last, runInputsHash(inputs, image));
    if (skipped) {
      await recordInputs(run, inputs, runInputsHash(inputs, image));
      ctx.log.system(skipped.reason!);
      return skipped;
    }
    if ('unchanged' in fetched) {
      // Same commit, other inputs (a base changed): now the tree is needed.
      fetched = await fetchSource(run, sources, dir);
      inputs = await runInputs(fetched, image, asked, digests);
    }
    const tree = fetched as FetchedSource;

    // 2. Decide the platforms: built, reused, and where each is built.
    const plan = await planPlatforms({ run, asked, inputs, last });
    await recordInputs(run, plan.inputs, runInputsHash(plan.inputs, image));
    ctx.log.system(
      `Source revision ${tree.revision}; Dockerfile ${tree.dockerfileDigest}`,
    );
    if (last) await recordReused(run, plan.reused, last.id);
    const candidates = await this.options.executors.candidates();
    const placements = await placeAndLog(run, plan.platforms, candidates);

    // 3 and 4. Build and push each platform.
    const labels = ociLabels({
      source: tree.repositoryUrl,
      revision: tree.revision,
      created: clock(),
    });
    const outcome = await buildEach(run, placements, (placement, signal) =>
      runPlatform(run, {
        placement,
        pooled: candidates.find(c => c.id === placement.executor)!,
        contextDir: tree.contextDir,
        dockerfile: tree.dockerfile,
        labels,
        signal,
      }),
    );
    if (!outcome.ok) return outcome.end;

    // 5. Index the platforms.
    const manifests = indexManifests(
      spec.platforms,
      outcome.built.map(b => b.pushed),
      plan.reused,
    );
    const versionTag = versionTagOf(
      tag,
      record.startedAt ? new Date(record.startedAt) : clock(),
    );
    const indexDigest = await pushIndex(run, {
      tags: [tag, versionTag],
      manifests,
      annotations: labels,
    });

    // 6. Retention.
    await applyRetention({
      image,
      keep: spec.retention?.keep ?? this.options.config.retentionKeep,
      store,
      registry: run.registry,
      log: ctx.log,
      current: { id: record.id, indexDigest, platforms: manifests },
      held: await this.options.heldDigests?.(image.metadata.name),
      now: clock(),
    });

    // 7. The worker records this end.
    return { status: 'succeeded', indexDigest, versionTag };
  }
}
