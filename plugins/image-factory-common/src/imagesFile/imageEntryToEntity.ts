import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  stringifyEntityRef,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_ENTRY,
  ANNOTATION_IMAGE_FACTORY_IMAGES_FILE,
  ANNOTATION_IMAGE_FACTORY_REFERENCE,
  IMAGE_FACTORY_API_VERSION,
} from '../constants';
import { formatImageRef, parseImageRef } from '../imageRef';
import type { ImageEntityV1alpha1 } from '../kinds';
import type { ImageEntry } from './schema';

/**
 * Where an entry came from, for the entity's annotations.
 *
 * @public
 */
export interface ImageEntryOrigin {
  /** The location `images.yaml` was read from, e.g. `file:/…/images.yaml` or a URL. */
  location: string;
  /** Index of the entry in the file. */
  index: number;
  /**
   * Entity reference of the registry Provider for the image's registry host, if one is
   * configured.
   */
  providedBy?: string;
}

/**
 * Turns a validated `images.yaml` entry into an Image entity.
 *
 * @public
 */
export function imageEntryToEntity(
  entry: ImageEntry,
  origin: ImageEntryOrigin,
): ImageEntityV1alpha1 {
  const ref = parseImageRef(entry.reference);
  const owner = stringifyEntityRef(
    parseEntityRef(entry.owner, { defaultKind: 'group', defaultNamespace: 'default' }),
  );
  const location = `url:${origin.location}`;
  const entity: ImageEntityV1alpha1 = {
    apiVersion: IMAGE_FACTORY_API_VERSION,
    kind: 'Image',
    metadata: {
      name: entry.name,
      ...(entry.title ? { title: entry.title } : {}),
      ...(entry.description ? { description: entry.description } : {}),
      ...(entry.tags ? { tags: entry.tags } : {}),
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_IMAGE_FACTORY_IMAGES_FILE]: origin.location,
        [ANNOTATION_IMAGE_FACTORY_ENTRY]: `images[${origin.index}]`,
        [ANNOTATION_IMAGE_FACTORY_REFERENCE]: formatImageRef(ref),
      },
    },
    spec: {
      type: entry.type,
      owner,
      reference: formatImageRef(ref),
      registry: ref.registry,
      repository: ref.repository,
      ...(ref.tag ? { tag: ref.tag } : {}),
      ...(ref.digest ? { digest: ref.digest } : {}),
      platforms: [...entry.platforms],
      ...(entry.source ? { source: { ...entry.source } } : {}),
      ...(entry.buildArgs ? { buildArgs: { ...entry.buildArgs } } : {}),
      ...(entry.rebuild ? { rebuild: { ...entry.rebuild } } : {}),
      ...(entry.stages ? { stages: [...entry.stages] } : {}),
      ...(origin.providedBy ? { providedBy: origin.providedBy } : {}),
    },
  };
  return entity;
}
