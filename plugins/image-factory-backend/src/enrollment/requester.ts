import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';

/** Who asks for a change, with the groups they belong to. */
export interface Requester {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

/** Owners are written short in images.yaml (`team-web`); compare them in full. */
export function fullOwnerRef(owner: string) {
  return stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  );
}

/**
 * Throws `NotAllowedError` unless the requester is each owner or a member of
 * it (`what` says what they tried, e.g. `enroll images for`); with
 * `allowAnyOwner`, anyone may.
 */
export function assertOwns(
  requester: Requester,
  owners: string[],
  options: { what: string; allowAnyOwner: boolean },
): void {
  if (options.allowAnyOwner) return;
  const mine = new Set(requester.ownershipEntityRefs);
  for (const owner of owners) {
    const ref = fullOwnerRef(owner);
    if (!mine.has(ref)) {
      throw new NotAllowedError(
        `You (${requester.userEntityRef}) may not ${options.what} ${ref}: you are not that user or a member of that group`,
      );
    }
  }
}
