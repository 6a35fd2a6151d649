// Test-only fixture, never bundled: reading the example from disk needs Node.
// eslint-disable-next-line no-restricted-imports
import { readFileSync } from 'fs';
// eslint-disable-next-line no-restricted-imports
import { resolve } from 'path';
import {
  IMAGE_FACTORY_API_VERSION,
  ImageEntityV1alpha1,
  imageEntryToEntity,
  parseImagesFile,
} from '@image-factory/plugin-image-factory-common';

// Read the repository's own example so that a change to the examples (or to
// how entries become entities) shows up here.
const EXAMPLES = resolve(__dirname, '../../../../examples/images.yaml');

/** The Image entity the catalog would hold for an entry of examples/images.yaml. */
export function exampleImage(
  name: string,
  extra: Partial<ImageEntityV1alpha1['spec']> = {},
): ImageEntityV1alpha1 {
  const parsed = parseImagesFile(readFileSync(EXAMPLES, 'utf8'));
  const index = parsed.images.findIndex(image => image.name === name);
  if (index < 0) {
    throw new Error(`examples/images.yaml has no image '${name}'`);
  }
  const entity = imageEntryToEntity(parsed.images[index], {
    location: EXAMPLES,
    index,
  });
  return { ...entity, spec: { ...entity.spec, ...extra } };
}

/** A base image the factory only watches: no source, tag or rebuild policy. */
export const watchedBaseImage: ImageEntityV1alpha1 = {
  apiVersion: IMAGE_FACTORY_API_VERSION,
  kind: 'Image',
  metadata: { name: 'alpine-base' },
  spec: {
    type: 'base',
    owner: 'group:default/platform-team',
    reference: 'docker.io/library/alpine',
    registry: 'docker.io',
    repository: 'library/alpine',
    platforms: [],
  },
};
