import { InputError } from '@backstage/errors';
import type {
  ImageEntityV1alpha1,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';

/**
 * Refuses a wheel set the refinery could not build: a target platform its
 * builder does not have would only fail at its first run. The builder is
 * the image of images.yaml the set names (its platforms), else the
 * configured builders. Names each field.
 */
export function assertWheelSetBuildable(
  set: WheelSet,
  builders: Record<string, string>,
  images: ImageEntityV1alpha1[] = [],
) {
  const image = images.find(i => i.metadata.name === set.builder);
  const problem = (platform: string) => {
    if (image) {
      return image.spec.platforms.includes(platform)
        ? undefined
        : `the builder image ${
            set.builder
          } is not built for ${platform} (its platforms in images.yaml: ${image.spec.platforms.join(
            ', ',
          )})`;
    }
    return builders[platform]
      ? undefined
      : `the refinery has no builder for ${platform} (images.yaml has no image named '${
          set.builder
        }', and imageFactory.refinery.builders has ${
          Object.keys(builders).join(', ') || 'none'
        })`;
  };
  const problems = set.targets.flatMap((target, i) =>
    target.platforms.flatMap((platform, j) => {
      const found = problem(platform);
      return found ? [`set.targets[${i}].platforms[${j}]: ${found}`] : [];
    }),
  );
  if (problems.length > 0) {
    throw new InputError(`Invalid request body: ${problems.join('; ')}`);
  }
}
