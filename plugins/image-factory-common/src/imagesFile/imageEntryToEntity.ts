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
  /**
   * Where `images.yaml` was read from: an absolute path (`/srv/factory/images.yaml`),
   * a `file:` location, or a URL (`https://github.com/…/images.yaml`).
   */
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
 * The catalog's location reference (`type:target`): a URL is a `url` location, and
 * a path is a `file` location, which the catalog shows and refreshes differently.
 */
function toLocationRef(location: string): string {
  if (location.startsWith('file:') || location.startsWith('url:')) {
    return location;
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location)
    ? `url:${location}`
    : `file:${location}`;
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
    parseEntityRef(entry.owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  );
  const location = toLocationRef(origin.location);
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
      ...(entry.watch ? { watch: { ...entry.watch } } : {}),
      ...(entry.retention ? { retention: { ...entry.retention } } : {}),
      ...(entry.stages ? { stages: entry.stages.map(s => s.name) } : {}),
      // Policies only when images.yaml gives more than the names.
      ...(entry.stages?.some(s => Object.keys(s).length > 1)
        ? { stagePolicies: entry.stages.map(s => structuredClone(s)) }
        : {}),
      ...(origin.providedBy ? { providedBy: origin.providedBy } : {}),
    },
  };
  return entity;
}
