import { parseEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_RUN_ID,
  ImageBuildEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';

const LOCATION_PREFIX = 'url:image-factory:builds/';

/**
 * The run an ImageBuild entity comes from: its `imagefactory.dev/run-id`
 * annotation, or, for entities written before it, its managed-by location.
 */
export function runIdOf(entity: ImageBuildEntityV1alpha1): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const fromLocation = annotations['backstage.io/managed-by-location'];
  return (
    annotations[ANNOTATION_IMAGE_FACTORY_RUN_ID] ??
    (fromLocation?.startsWith(LOCATION_PREFIX)
      ? fromLocation.slice(LOCATION_PREFIX.length)
      : undefined)
  );
}

/** The route parameters of the build's Image entity page. */
export function imageRouteParams(entity: ImageBuildEntityV1alpha1) {
  const ref = parseEntityRef(entity.spec.image, {
    defaultKind: 'image',
    defaultNamespace: entity.metadata.namespace ?? 'default',
  });
  return {
    kind: ref.kind.toLocaleLowerCase('en-US'),
    namespace: ref.namespace,
    name: ref.name,
  };
}
