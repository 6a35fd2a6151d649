import { InputError } from '@backstage/errors';
import type { WheelSet } from '@image-factory/plugin-image-factory-common';

/**
 * Refuses a wheel set the refinery could not build: a target platform with
 * no builder configured would only fail at its first run. Names each field.
 */
export function assertWheelSetBuildable(
  set: WheelSet,
  builders: Record<string, string>,
) {
  const problems = set.targets.flatMap((target, i) =>
    target.platforms.flatMap((platform, j) =>
      builders[platform]
        ? []
        : [
            `set.targets[${i}].platforms[${j}]: the refinery has no builder for ${platform} (imageFactory.refinery.builders has ${
              Object.keys(builders).join(', ') || 'none'
            })`,
          ],
    ),
  );
  if (problems.length > 0) {
    throw new InputError(`Invalid request body: ${problems.join('; ')}`);
  }
}
