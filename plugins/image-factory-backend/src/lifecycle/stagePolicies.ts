import {
  ImageEntityV1alpha1,
  ImageStageCheck,
  ImageStagePromotion,
  ImageStageUpdate,
  parseShortDuration,
} from '@image-factory/plugin-image-factory-common';

/** A stage's policy with the defaults applied. */
export interface StagePolicy {
  name: string;
  /** Its tag in the registry. */
  tag: string;
  /** Its place, 0 for the first stage. */
  index: number;
  promotion: ImageStagePromotion;
  approvers: string[];
  soakMs: number;
  verify: ImageStageCheck[];
  updates: ImageStageUpdate[];
}

/**
 * The stages of an image with their policy: the first stage receives every
 * successful build (`auto`), the others are `manual`, unless images.yaml
 * says otherwise.
 */
export function stagePolicies(image: ImageEntityV1alpha1): StagePolicy[] {
  const names = image.spec.stages ?? [];
  return names.map((name, index) => {
    const given = image.spec.stagePolicies?.find(p => p.name === name);
    return {
      name,
      tag: given?.tag ?? name,
      index,
      promotion: given?.promotion ?? (index === 0 ? 'auto' : 'manual'),
      approvers: given?.approvers ?? [],
      soakMs: (given?.soak && parseShortDuration(given.soak)) || 0,
      verify: given?.verify ?? [],
      updates: given?.updates ?? [],
    };
  });
}
