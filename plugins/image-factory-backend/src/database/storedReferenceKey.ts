import { canonicalImageRef } from '@image-factory/plugin-image-factory-common';

/**
 * The canonical key of a reference (Docker's `ParseDockerRef` form), or the
 * reference as it is when it does not parse. Stores key references this
 * way, and readers compare stored spellings (runs and plans keep a base as
 * its Dockerfile spelled it) by it, so that `ubuntu`, `library/ubuntu` and
 * `docker.io/library/ubuntu:latest` find the same rows, and a bad stored
 * value never makes a read fail.
 */
export function storedReferenceKey(reference: string): string {
  try {
    return canonicalImageRef(reference);
  } catch {
    return reference;
  }
}
