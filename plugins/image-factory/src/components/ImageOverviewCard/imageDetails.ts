import {
  ImageEntityV1alpha1,
  ImageType,
  rebuildPolicySchema,
} from '@image-factory/plugin-image-factory-common';

type ImageSpec = ImageEntityV1alpha1['spec'];

/** What each image type means, for the type chip's tooltip. */
export const IMAGE_TYPE_DESCRIPTIONS: Record<ImageType, string> = {
  managed: 'The factory builds, pushes and rebuilds this image.',
  base: 'Other images build FROM this one; the factory watches its digest.',
  external: 'Used as is; the factory only watches its digest.',
};

/**
 * The defaults the backend applies to a missing rebuild field. Taken from the
 * images.yaml schema in common so that the card cannot drift from the engine.
 */
export const REBUILD_DEFAULTS = rebuildPolicySchema.parse({});

/** One field of the rebuild policy, and whether it was left to the default. */
export interface PolicyValue<T> {
  value: T;
  isDefault: boolean;
}

/** The rebuild policy with every default spelled out. */
export interface EffectiveRebuildPolicy {
  auto: PolicyValue<boolean>;
  delay: PolicyValue<string>;
  coalesceWindow: PolicyValue<string>;
}

function withDefault<T>(value: T | undefined, fallback: T): PolicyValue<T> {
  return value === undefined
    ? { value: fallback, isDefault: true }
    : { value, isDefault: false };
}

/** Fills in the defaults of a (possibly missing) rebuild policy. */
export function effectiveRebuildPolicy(
  rebuild: ImageSpec['rebuild'],
): EffectiveRebuildPolicy {
  return {
    auto: withDefault(rebuild?.auto, REBUILD_DEFAULTS.auto),
    delay: withDefault(rebuild?.delay, REBUILD_DEFAULTS.delay),
    coalesceWindow: withDefault(
      rebuild?.coalesceWindow,
      REBUILD_DEFAULTS.coalesceWindow,
    ),
  };
}

/** True when the factory builds the image itself (so a rebuild policy applies). */
export function isBuiltByFactory(spec: ImageSpec): boolean {
  return spec.type === 'managed' || spec.source !== undefined;
}
