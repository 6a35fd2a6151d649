import { BuildInputs } from '@image-factory/plugin-image-factory-common';
import { BuildRunRecord } from '../../database';
import { Placement, PlacementCandidate, placePlatforms } from '../placement';
import { PlatformManifest, reusablePlatforms } from '../reusablePlatforms';
import { ActiveRun } from './activeRun';
import { recordPlatform } from './recordRun';

/** Which platforms a run builds, where, and which it reuses. */
export interface PlatformPlan {
  /** The platforms to build (the run's inputs name these). */
  platforms: string[];
  /** The run's inputs, with `platforms` as built. */
  inputs: BuildInputs;
  /** Platforms taken from the last successful run. */
  reused: PlatformManifest[];
}

/**
 * Step 2: the platforms asked for are built; the image's other platforms are
 * reused from the last successful run when it built the same source and their
 * bases did not change (see {@link reusablePlatforms}), and built otherwise, in
 * which case every platform that is not reused is built. Then each platform to
 * build is placed on an executor.
 */
export async function planPlatforms(options: {
  run: ActiveRun;
  asked: string[];
  inputs: BuildInputs;
  last: BuildRunRecord | undefined;
}): Promise<PlatformPlan> {
  const { run, last } = options;
  const { spec } = run.image;
  const reused = await reusablePlatforms({
    image: run.image,
    platforms: options.asked,
    last,
    inputs: options.inputs,
    log: run.ctx.log,
    registry: run.registry,
  });
  const isReused = (p: string) => reused.some(r => r.platform === p);
  const missing = spec.platforms.filter(
    p => !options.asked.includes(p) && !isReused(p),
  );
  const platforms =
    missing.length > 0
      ? spec.platforms.filter(p => !isReused(p))
      : options.asked;
  return {
    platforms,
    inputs:
      missing.length > 0 ? { ...options.inputs, platforms } : options.inputs,
    reused,
  };
}

/** Records and logs the reused platforms as skipped, naming the run they come from. */
export async function recordReused(
  run: ActiveRun,
  reused: PlatformManifest[],
  from: string,
): Promise<void> {
  for (const r of reused) {
    run.ctx.log.system(
      `${r.platform}: its bases did not change; reusing ${r.digest} from run ${from}`,
      r.platform,
    );
    await recordPlatform(run, {
      platform: r.platform,
      status: 'skipped',
      digest: r.digest,
      reusedFrom: from,
    });
  }
}

/**
 * Places each platform on an executor, the least loaded of the cluster
 * first (what every backend builds now is in the database), and logs where.
 */
export async function placeAndLog(
  run: ActiveRun,
  platforms: string[],
  candidates: PlacementCandidate[],
): Promise<Placement[]> {
  const busy = await run.deps.store.busyExecutors();
  const placements = placePlatforms(platforms, candidates, busy);
  for (const p of placements) {
    run.ctx.log.system(
      `placing ${p.platform} on ${p.executor}${
        p.emulated ? ' (emulated)' : ''
      }`,
      p.platform,
    );
  }
  return placements;
}
