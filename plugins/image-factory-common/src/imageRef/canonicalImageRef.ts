import { formatImageRef, ImageRef, parseImageRef } from './parseImageRef';

/** Docker's tag when a reference names neither tag nor digest. */
const DEFAULT_TAG = 'latest';

/**
 * A parsed reference in Docker's canonical form, as distribution/reference's
 * `ParseDockerRef` (normalize.go) defines it: a reference without tag or
 * digest gets `latest`, and one with both a tag and a digest keeps only its
 * digest (Docker pulls the digest and ignores the tag).
 *
 * @public
 */
export function canonicalizeImageRef(ref: ImageRef): ImageRef {
  const name = { registry: ref.registry, repository: ref.repository };
  if (ref.digest !== undefined) return { ...name, digest: ref.digest };
  return { ...name, tag: ref.tag ?? DEFAULT_TAG };
}

/**
 * The one key of an image reference: spellings Docker treats as the same
 * image give the same string (`ubuntu`, `library/ubuntu`,
 * `index.docker.io/library/ubuntu:latest` → `docker.io/library/ubuntu:latest`;
 * `busybox:1@sha256:…` → `docker.io/library/busybox@sha256:…`). Throws on a
 * malformed reference, like {@link parseImageRef}.
 *
 * @public
 */
export function canonicalImageRef(input: string): string {
  return formatImageRef(canonicalizeImageRef(parseImageRef(input)));
}
