import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ImageEntityV1alpha1,
  WatchedImageStatus,
  canonicalizeImageRef,
  formatImageRef,
  tryParseImageRef,
} from '@image-factory/plugin-image-factory-common';

/** Where an Image entity stands in the factory's watched references. */
export type WatchedLookup =
  | { kind: 'pinned' }
  | { kind: 'unwatched' }
  | { kind: 'watched'; row: WatchedImageStatus; dependents: string[] };

/**
 * The reference the backend polls for an image, as it writes it: Docker's
 * canonical form, with the tag made explicit. `null` for a reference pinned
 * by digest (with or without a tag), which never changes and so is not
 * watched; `undefined` when unparsable.
 */
export function watchedReference(reference: string): string | null | undefined {
  const parsed = tryParseImageRef(reference);
  if (!parsed.ok) return undefined;
  const canonical = canonicalizeImageRef(parsed.ref);
  if (canonical.digest !== undefined) return null;
  return formatImageRef(canonical);
}

/**
 * The status row of an Image entity: the one whose reference is the entity's
 * (discovered bases are not in `usedBy`), else the one it is a user of.
 * `dependents` are the other users: the images built FROM it.
 */
export function findWatchedStatus(
  entity: ImageEntityV1alpha1,
  references: WatchedImageStatus[],
): WatchedLookup {
  const entityRef = stringifyEntityRef(entity);
  const reference = watchedReference(entity.spec.reference);
  if (reference === null) return { kind: 'pinned' };
  const row =
    references.find(
      r => reference !== undefined && r.reference === reference,
    ) ?? references.find(r => r.usedBy.includes(entityRef));
  if (!row) return { kind: 'unwatched' };
  return {
    kind: 'watched',
    row,
    dependents: row.usedBy.filter(ref => ref !== entityRef),
  };
}
