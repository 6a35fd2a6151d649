import { OwnerKind } from './packageVersions';
import { httpFailure } from './toAdapterError';

/** Owner kinds to try in order; never empty. */
export type OwnerKindCandidates = [OwnerKind, ...OwnerKind[]];

/**
 * Whether an owner is an organization or a user, learned from listings. The
 * packages API has one path per kind and no way to ask which one an owner is.
 */
export interface OwnerKinds {
  /** The kinds to try for an owner: the one a listing told, else organization first, then user. */
  candidates(owner: string): OwnerKindCandidates;
  /**
   * Lists as each candidate in turn, going on to the next only when GitHub
   * answers 404, and remembers the kind that answered. The last candidate's
   * error, or any other error, is thrown as it came.
   */
  list<T>(
    owner: string,
    kinds: OwnerKindCandidates,
    listAs: (kind: OwnerKind) => Promise<T>,
  ): Promise<{ kind: OwnerKind; result: T }>;
}

/** An empty {@link OwnerKinds}, filled by its listings. */
export function createOwnerKinds(): OwnerKinds {
  const known = new Map<string, OwnerKind>();

  const list: OwnerKinds['list'] = async (owner, kinds, listAs) => {
    const [kind, ...rest] = kinds;
    let result;
    try {
      result = await listAs(kind);
    } catch (error) {
      if (httpFailure(error)?.status === 404 && rest.length > 0) {
        return list(owner, rest as OwnerKindCandidates, listAs);
      }
      throw error;
    }
    known.set(owner.toLowerCase(), kind);
    return { kind, result };
  };

  return {
    candidates(owner) {
      const kind = known.get(owner.toLowerCase());
      return kind ? [kind] : ['orgs', 'users'];
    },
    list,
  };
}
