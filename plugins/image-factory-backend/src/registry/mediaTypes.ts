/** OCI image index (image-spec, image-index.md). */
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';
/** OCI image manifest (image-spec, manifest.md). */
export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** OCI image config. */
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** OCI layer, gzip-compressed tar. */
export const OCI_IMAGE_LAYER_GZIP =
  'application/vnd.oci.image.layer.v1.tar+gzip';
/** Docker manifest list (Docker's multi-platform manifest). */
export const DOCKER_MANIFEST_LIST =
  'application/vnd.docker.distribution.manifest.list.v2+json';
/** Docker image manifest, schema 2. */
export const DOCKER_MANIFEST_V2 =
  'application/vnd.docker.distribution.manifest.v2+json';

/**
 * Sent with every manifest request. A registry picks among the types the
 * client accepts: distribution answers 404 for an index unless the OCI index
 * type is listed, and falls back to a schema1 manifest for a single-platform
 * tag unless a schema2/OCI manifest type is listed.
 */
export const MANIFEST_ACCEPT = [
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST_V2,
].join(', ');
