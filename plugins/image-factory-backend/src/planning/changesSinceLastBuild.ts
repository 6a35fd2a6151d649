import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import {
  BuildRunRecord,
  DigestStore,
  PlannedReason,
  RebuildPlanStore,
} from '../database';
import { referenceKey } from '../tracking';
import {
  affectedPlatforms,
  externalReasons,
  UpstreamBuild,
  upstreamReasons,
} from './reasons';
import { PlannerGraph } from './types';

/** What changed for an image since its last successful build. */
export interface ImageChanges {
  /** Its last successful build, if any. */
  lastBuild: BuildRunRecord | undefined;
  /** The factory-built images it is built FROM, with their last builds. */
  upstreamBuilds: UpstreamBuild[];
  /** Watched bases with a new digest that one of its platforms uses. */
  external: PlannedReason[];
  /** Upstream images that pushed a build it has not been built from. */
  fromUpstream: PlannedReason[];
}

/**
 * The new digests of an image's bases since its last successful build (or,
 * never built, since what its last attempt was built from), and the newer
 * builds of the factory-built images it is built FROM.
 */
export async function changesSinceLastBuild(
  context: {
    digests: Pick<DigestStore, 'getCurrent'>;
    plans: Pick<RebuildPlanStore, 'digestLastSeen'>;
  },
  input: {
    image: ImageEntityV1alpha1;
    entityRef: string;
    snapshot: PlannerGraph;
    upstream: string[];
    /** The buildable images, by entity ref (the upstream ones among them). */
    byRef: Map<string, ImageEntityV1alpha1>;
    lastBuilds: Map<string, BuildRunRecord | undefined>;
    /** The image's latest ended runs, newest first, read when it was never built successfully. */
    lastRuns: (imageName: string) => BuildRunRecord[];
  },
): Promise<ImageChanges> {
  const { image, entityRef, snapshot, lastBuilds } = input;
  const lastBuild = lastBuilds.get(entityRef);
  const upstreamBuilds = input.upstream.map(u => ({
    entityRef: u,
    reference: input.byRef.get(u)!.spec.reference,
    lastBuild: lastBuilds.get(u),
  }));
  const external = (
    await externalReasons({
      bases: snapshot
        .basesOf(entityRef)
        .filter(
          b =>
            !upstreamBuilds.some(
              u => referenceKey(u.reference) === referenceKey(b),
            ),
        ),
      // Never built successfully: what its last attempt was built from.
      lastBuild: lastBuild ?? lastAttempt(input.lastRuns(image.metadata.name)),
      digests: context.digests,
      plans: context.plans,
    })
  ).filter(r => affectedPlatforms(image, entityRef, [r], snapshot).length > 0);
  const fromUpstream = upstreamReasons(lastBuild, upstreamBuilds);
  return { lastBuild, upstreamBuilds, external, fromUpstream };
}

/** How many of an image's latest runs are searched for its last attempt. */
export const LAST_ATTEMPT_RUNS = 10;

/**
 * The image's latest failed run, for an image never built successfully:
 * the digests it recorded, and for a base it recorded none of (not found
 * then), when it began.
 */
function lastAttempt(runs: BuildRunRecord[]): BuildRunRecord | undefined {
  return runs.find(r => r.status === 'failed');
}
