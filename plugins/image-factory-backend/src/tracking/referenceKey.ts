import {
  canonicalImageRef,
  canonicalizeImageRef,
  ImageRef,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';

/**
 * The one key of an image reference in tracking, the graph, planning and
 * the stores: Docker's canonical form (distribution/reference's
 * `ParseDockerRef`), so that spellings Docker treats as one image are one
 * reference (`ubuntu`, `library/ubuntu`, `index.docker.io/library/ubuntu:latest`
 * → `docker.io/library/ubuntu:latest`), and a reference with a tag and a
 * digest is its digest (`app:1@sha256:…` → `app@sha256:…`). Throws on a
 * malformed reference.
 */
export function referenceKey(reference: string): string {
  return canonicalImageRef(reference);
}

/** {@link referenceKey} that never throws, for what was stored (see there). */
export { storedReferenceKey } from '../database';

/**
 * The reference whose digest is worth polling, in canonical form
 * (`docker.io/library/node` → `docker.io/library/node:latest`), or
 * `undefined` for a reference pinned by digest, with or without a tag:
 * Docker builds from the digest, which cannot change.
 */
export function trackingReference(reference: string): ImageRef | undefined {
  const ref = canonicalizeImageRef(parseImageRef(reference));
  return ref.digest === undefined ? ref : undefined;
}

/** {@link trackingReference} as its {@link referenceKey}, or `undefined`. */
export function trackingKey(reference: string): string | undefined {
  return trackingReference(reference) && referenceKey(reference);
}
