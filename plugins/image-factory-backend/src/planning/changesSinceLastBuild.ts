import { stringifyEntityRef } from '@backstage/catalog-model';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import {
  BuildRunRecord,
  BuildStore,
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
    images: () => ImageEntityV1alpha1[];
    digests: Pick<DigestStore, 'getCurrent'>;
    builds: Pick<BuildStore, 'list'>;
    plans: RebuildPlanStore;
  },
  input: {
    image: ImageEntityV1alpha1;
    entityRef: string;
    snapshot: PlannerGraph;
    upstream: string[];
    lastBuilds: Map<string, BuildRunRecord | undefined>;
  },
): Promise<ImageChanges> {
  const { image, entityRef, snapshot, lastBuilds } = input;
  const lastBuild = lastBuilds.get(entityRef);
  const upstreamBuilds = input.upstream.map(u => ({
    entityRef: u,
    reference: context.images().find(i => stringifyEntityRef(i) === u)!.spec
      .reference,
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
      lastBuild:
        lastBuild ?? (await lastAttempt(context.builds, image.metadata.name)),
      digests: context.digests,
      plans: context.plans,
    })
  ).filter(r => affectedPlatforms(image, entityRef, [r], snapshot).length > 0);
  const fromUpstream = upstreamReasons(lastBuild, upstreamBuilds);
  return { lastBuild, upstreamBuilds, external, fromUpstream };
}

/** The image's latest ended run that recorded its bases, for an image never built successfully. */
async function lastAttempt(
  builds: Pick<BuildStore, 'list'>,
  imageName: string,
): Promise<BuildRunRecord | undefined> {
  const runs = await builds.list({ imageName, limit: 10 });
  return runs.find(
    r =>
      r.status === 'failed' &&
      Object.keys(r.inputs.baseDigests ?? {}).length > 0,
  );
}
