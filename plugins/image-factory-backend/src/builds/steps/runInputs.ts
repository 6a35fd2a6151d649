import {
  BuildInputs,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { DigestStore } from '../../database';
import { resolveBases } from '../baseDigests';
import { inputsHash } from '../imageIndex';
import { FetchedSource } from '../SourceFetcher';
import { referenceOf } from './activeRun';

/** What a run builds from: the source revision, Dockerfile, bases' digests, build args and platforms. */
export async function runInputs(
  fetched: Pick<
    FetchedSource,
    'revision' | 'dockerfileDigest' | 'dockerfileText'
  >,
  image: ImageEntityV1alpha1,
  platforms: string[],
  digests?: Pick<DigestStore, 'getCurrent'>,
): Promise<BuildInputs> {
  const { spec } = image;
  const bases = await resolveBases(
    fetched.dockerfileText,
    spec.buildArgs,
    digests,
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

/**
 * The hash of a run's inputs over all the image's platforms: a run that
 * reused some gives the same index as one that built them all from these
 * inputs.
 */
export function runInputsHash(
  inputs: BuildInputs,
  image: ImageEntityV1alpha1,
): string {
  return inputsHash(
    { ...inputs, platforms: image.spec.platforms },
    referenceOf(image),
  );
}
