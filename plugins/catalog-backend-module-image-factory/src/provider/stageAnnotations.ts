import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_STALE_STAGES,
  ANNOTATION_STAGE_PREFIX,
  isImageEntity,
  LifecycleOverview,
} from '@image-factory/plugin-image-factory-common';

/**
 * Adds each Image's stage state from the backend's lifecycle overview:
 * `stage.imagefactory.dev/<stage>` with the digest each stage holds, and
 * `imagefactory.dev/stale-stages` naming the stale ones, so that the catalog
 * can be searched and filtered by them.
 */
export function withStageAnnotations(
  images: Entity[],
  lifecycle: LifecycleOverview,
): Entity[] {
  const rows = new Map(lifecycle.items.map(r => [r.entityRef, r]));
  return images.map(entity => {
    if (!isImageEntity(entity)) return entity;
    const row = rows.get(stringifyEntityRef(entity));
    if (!row) return entity;
    const annotations: Record<string, string> = {};
    for (const stage of row.stages) {
      if (stage.digest) {
        annotations[`${ANNOTATION_STAGE_PREFIX}/${stage.name}`] = stage.digest;
      }
    }
    const stale = row.stages.filter(s => s.stale).map(s => s.name);
    if (stale.length) {
      annotations[ANNOTATION_IMAGE_FACTORY_STALE_STAGES] = stale.join(',');
    }
    if (Object.keys(annotations).length === 0) return entity;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: { ...entity.metadata.annotations, ...annotations },
      },
    };
  });
}
