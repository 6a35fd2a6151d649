import {
  BackstageCredentials,
  BackstageServicePrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Who may do what to an image, asked in one place for every route.
 *
 * Actions (build, cancel, emergency rebuild, enroll, change, un-enroll) are
 * resource permissions on a catalog entity. Backstage's permissions service
 * answers ALLOW for every service principal without asking the policy (only
 * the access restrictions of an external access token can narrow it), so a
 * service principal may act only when its token's `accessRestrictions` name
 * the permission explicitly; users are asked of the policy as usual.
 *
 * Reads of one image's factory data need `catalog.entity.read` on the Image
 * entity, so that a policy hiding an image in the catalog hides its builds,
 * logs, audit and graph node too. A hidden image answers 404, as one that
 * does not exist, so that its existence does not leak.
 */
export interface ImageAccess {
  /** Throws NotAllowedError (403) naming the permission unless allowed. */
  authorize(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    resourceRef: string,
    what: string,
  ): Promise<void>;
  /** Whether the caller may read each entity, in order. */
  canRead(
    credentials: BackstageCredentials,
    entityRefs: string[],
  ): Promise<boolean[]>;
  /** Throws `notFound` unless the caller may read the entity. */
  requireRead(
    credentials: BackstageCredentials,
    entityRef: string,
    notFound: () => NotFoundError,
  ): Promise<void>;
  /** The items whose entity the caller may read (items without one stay). */
  filterReadable<T>(
    credentials: BackstageCredentials,
    items: T[],
    entityRefOf: (item: T) => string | undefined,
  ): Promise<T[]>;
}

/** The Image entity of an image name (images are in the default namespace). */
export function imageEntityRef(name: string): string {
  return stringifyEntityRef({ kind: 'Image', name });
}

/** Whether the token of a service principal grants this permission by name. */
function serviceMayAct(
  credentials: BackstageCredentials,
  permission: ResourcePermission,
): boolean {
  const principal = credentials.principal as BackstageServicePrincipal;
  return (
    principal.accessRestrictions?.permissionNames?.includes(permission.name) ??
    false
  );
}

export function createImageAccess(deps: {
  permissions: PermissionsService;
}): ImageAccess {
  const { permissions } = deps;

  const canRead = async (
    credentials: BackstageCredentials,
    entityRefs: string[],
  ): Promise<boolean[]> => {
    if (entityRefs.length === 0) return [];
    const unique = [...new Set(entityRefs)];
    const decisions = await permissions.authorize(
      unique.map(resourceRef => ({
        permission: catalogEntityReadPermission,
        resourceRef,
      })),
      { credentials },
    );
    const allowed = new Map(
      unique.map((ref, i) => [
        ref,
        decisions[i].result === AuthorizeResult.ALLOW,
      ]),
    );
    return entityRefs.map(ref => allowed.get(ref) ?? false);
  };

  return {
    async authorize(credentials, permission, resourceRef, what) {
      if (
        (credentials.principal as { type?: string }).type === 'service' &&
        !serviceMayAct(credentials, permission)
      ) {
        throw new NotAllowedError(
          `Services may not ${what}: this acts for a user, or for a service whose external access token lists the permission ${permission.name} in its accessRestrictions`,
        );
      }
      const [decision] = await permissions.authorize(
        [{ permission, resourceRef }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `Not allowed to ${what} (permission ${permission.name} on ${resourceRef})`,
        );
      }
    },
    canRead,
    async requireRead(credentials, entityRef, notFound) {
      const [allowed] = await canRead(credentials, [entityRef]);
      if (!allowed) throw notFound();
    },
    async filterReadable(credentials, items, entityRefOf) {
      const refs = items.map(entityRefOf);
      const known = refs.filter((r): r is string => r !== undefined);
      const allowed = await canRead(credentials, known);
      const readable = new Set(known.filter((_, i) => allowed[i]));
      return items.filter((_, i) => {
        const ref = refs[i];
        return ref === undefined || readable.has(ref);
      });
    },
  };
}
