import type { Entity } from '@backstage/catalog-model';
import {
  ImageBuildEntityV1alpha1,
  ImageEntityV1alpha1,
  ProviderEntityV1alpha1,
  WheelEntityV1alpha1,
  isImageBuildEntity,
  isImageEntity,
  isProviderEntity,
  isWheelEntity,
} from '@image-factory/plugin-image-factory-common';

/**
 * True for Image entities; for `EntitySwitch.Case if={…}` and blueprint filters.
 *
 * @public
 */
export function isImageFactoryImage(
  entity: Entity,
): entity is ImageEntityV1alpha1 {
  return isImageEntity(entity);
}

/**
 * True for the Image entities the factory watches rather than builds: types
 * `base` and `external`, and the bases it discovered in Dockerfiles (which
 * the catalog holds as type `base`). For the upstream digest card.
 *
 * @public
 */
export function isImageFactoryWatchedImage(
  entity: Entity,
): entity is ImageEntityV1alpha1 {
  return isImageEntity(entity) && entity.spec.type !== 'managed';
}

/**
 * True for the Image entities the factory builds: those with a source, which
 * are the managed images and the base images that name a source. External
 * images and base images without a source are only watched, so they get no
 * Builds tab, no "Build now" and no emergency rebuild.
 *
 * @public
 */
export function isImageFactoryBuiltImage(
  entity: Entity,
): entity is ImageEntityV1alpha1 {
  return (
    isImageEntity(entity) &&
    entity.spec.type !== 'external' &&
    entity.spec.source !== undefined
  );
}

/**
 * True for Image entities that declare lifecycle stages (`stages` in
 * images.yaml), for the Lifecycle tab.
 *
 * @public
 */
export function isImageFactoryStagedImage(
  entity: Entity,
): entity is ImageEntityV1alpha1 {
  return isImageEntity(entity) && (entity.spec.stages?.length ?? 0) > 0;
}

/**
 * True for ImageBuild entities.
 *
 * @public
 */
export function isImageFactoryBuild(
  entity: Entity,
): entity is ImageBuildEntityV1alpha1 {
  return isImageBuildEntity(entity);
}

/**
 * True for Wheel entities.
 *
 * @public
 */
export function isImageFactoryWheel(
  entity: Entity,
): entity is WheelEntityV1alpha1 {
  return isWheelEntity(entity);
}

/**
 * True for Provider entities.
 *
 * @public
 */
export function isImageFactoryProvider(
  entity: Entity,
): entity is ProviderEntityV1alpha1 {
  return isProviderEntity(entity);
}
