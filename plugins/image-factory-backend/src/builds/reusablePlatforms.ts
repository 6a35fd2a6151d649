import {
  BuildInputs,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { BuildRunRecord } from '../database';
import { baseChangedFor } from './baseChangedFor';
import { BuildLog } from './BuildLog';
import { PushedManifest } from './labelPushedImage';
import { RunRegistryAccess } from './RunRegistryAccess';

/** A platform's manifest in the registry, as the image index lists it. */
export type PlatformManifest = PushedManifest & { platform: string };

/** The run's platforms that are still the image's; all of them when none is. */
export function platformsToBuild(
  record: BuildRunRecord,
  image: ImageEntityV1alpha1,
): string[] {
  const asked = record.inputs.platforms.filter(p =>
    image.spec.platforms.includes(p),
  );
  return asked.length > 0 ? asked : [...image.spec.platforms];
}

/**
 * The image's platforms a run does not build, with the last successful run's
 * manifests: when that run built the same source, Dockerfile and build args,
 * the platform's own bases did not change since, and its manifest is still
 * in the registry. A platform that fails a condition is left out, and so
 * built.
 */
export async function reusablePlatforms(options: {
  image: ImageEntityV1alpha1;
  platforms: string[];
  last: BuildRunRecord | undefined;
  inputs: BuildInputs;
  log: BuildLog;
  registry: RunRegistryAccess;
}): Promise<PlatformManifest[]> {
  const { image, platforms, last, inputs, log, registry } = options;
  const { spec } = image;
  const others = spec.platforms.filter(p => !platforms.includes(p));
  if (others.length === 0 || !last) return [];
  const same =
    last.inputs.sourceRevision === inputs.sourceRevision &&
    last.inputs.dockerfileDigest === inputs.dockerfileDigest &&
    JSON.stringify(last.inputs.buildArgs ?? {}) ===
      JSON.stringify(inputs.buildArgs ?? {}) &&
    last.reference ===
      `${spec.registry}/${spec.repository}:${spec.tag ?? 'latest'}`;
  if (!same) {
    log.system(
      `Building every platform: the source changed since run ${last.id}`,
    );
    return [];
  }
  const repository = { registry: spec.registry, repository: spec.repository };
  const reused: PlatformManifest[] = [];
  for (const platform of others) {
    const changed = baseChangedFor(platform, last.inputs, inputs);
    if (changed) {
      log.system(
        `${platform}: its base ${changed} changed since run ${last.id}; building it too`,
        platform,
      );
      continue;
    }
    const digest = last.platforms.find(p => p.platform === platform)?.digest;
    if (!digest) continue;
    try {
      const head = await registry.withAuth(spec.registry, platform, () =>
        registry.client().headManifest({ ...repository, digest }),
      );
      reused.push({
        platform,
        digest,
        mediaType: head.mediaType,
        size: head.size,
      });
    } catch (e) {
      log.system(
        `${platform}: cannot reuse ${digest} from run ${last.id} (${
          (e as Error).message
        }); building it`,
        platform,
      );
    }
  }
  return reused;
}
