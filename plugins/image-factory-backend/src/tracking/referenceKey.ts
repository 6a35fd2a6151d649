import {
  formatImageRef,
  ImageRef,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';

/** Docker's tag when a reference names neither tag nor digest. */
const DEFAULT_TAG = 'latest';

/**
 * The reference whose digest is worth polling, in canonical form with its
 * tag made explicit (`docker.io/library/node` → `docker.io/library/node:latest`),
 * or `undefined` for a reference pinned only by digest, which cannot change.
 * A reference with both tag and digest is watched by its tag: the tag is what
 * moves when upstream publishes.
 */
export function trackingReference(reference: string): ImageRef | undefined {
  const ref = parseImageRef(reference);
  if (ref.digest !== undefined && ref.tag === undefined) return undefined;
  return {
    registry: ref.registry,
    repository: ref.repository,
    tag: ref.tag ?? DEFAULT_TAG,
  };
}

/** {@link trackingReference} as a string, or `undefined`. */
export function trackingKey(reference: string): string | undefined {
  const ref = trackingReference(reference);
  return ref && formatImageRef(ref);
}
