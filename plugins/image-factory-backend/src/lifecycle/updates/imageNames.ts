import {
  formatImageRef,
  tryParseImageRef,
} from '@image-factory/plugin-image-factory-common';

/** The image being pinned, as the registry names it. */
export interface PinnedImage {
  registry: string;
  repository: string;
}

/** The tag and digest the stage now holds. */
export interface PinnedVersion {
  tag: string;
  /** `sha256:…` */
  digest: string;
}

/** `registry/repository` in the parser's normal form (`docker.io/library/nginx`). */
export function imageName(image: PinnedImage): string {
  const parsed = tryParseImageRef(`${image.registry}/${image.repository}`);
  if (!parsed.ok) throw new TypeError(parsed.error);
  return formatImageRef({
    registry: parsed.ref.registry,
    repository: parsed.ref.repository,
  });
}

/**
 * Whether `value` is a reference to the image, whatever its tag or digest.
 * References are parsed, so `nginx` names `docker.io/library/nginx` and
 * `registry/app` does not name `registry/app-tools`.
 */
export function namesImage(value: unknown, image: PinnedImage): boolean {
  if (typeof value !== 'string') return false;
  const parsed = tryParseImageRef(value);
  if (!parsed.ok) return false;
  const { registry, repository } = parsed.ref;
  return formatImageRef({ registry, repository }) === imageName(image);
}

/** `registry/repository:tag@sha256:…` */
export function pinnedRef(image: PinnedImage, pinned: PinnedVersion): string {
  return `${imageName(image)}:${pinned.tag}@${pinned.digest}`;
}
