import {
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** One question to the test policy: may this user do this (to this entity)? */
export interface PolicyQuestion {
  user: string;
  permission: string;
  resourceRef?: string;
}

/**
 * A permissions service that answers users from `allows` (a test policy) and
 * service principals as Backstage's own does (ServerPermissionClient in
 * @backstage/plugin-permission-node): ALLOW without asking the policy, unless
 * the token's access restrictions leave the permission out. Every question
 * the policy is asked is pushed to `asked`.
 */
export function createPolicyPermissions(
  allows: (question: PolicyQuestion) => boolean,
  asked: PolicyQuestion[] = [],
): PermissionsService {
  return {
    async authorize(requests, options) {
      const principal = options.credentials.principal as
        | BackstageUserPrincipal
        | BackstageServicePrincipal;
      return requests.map(request => {
        const permission = request.permission;
        if (principal.type === 'service') {
          const { permissionNames, permissionAttributes } =
            principal.accessRestrictions ?? {};
          const action = permission.attributes.action;
          const restricted =
            (permissionNames && !permissionNames.includes(permission.name)) ||
            (permissionAttributes?.action &&
              (!action || !permissionAttributes.action.includes(action)));
          return {
            result: restricted ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
          };
        }
        const question: PolicyQuestion = {
          user: principal.userEntityRef,
          permission: permission.name,
          ...('resourceRef' in request && request.resourceRef
            ? { resourceRef: request.resourceRef }
            : {}),
        };
        asked.push(question);
        return {
          result: allows(question)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      });
    },
    async authorizeConditional(requests) {
      return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
    },
  };
}

/** {@link createPolicyPermissions} as the backend's permissions service. */
export function policyPermissions(
  allows: (question: PolicyQuestion) => boolean,
  asked: PolicyQuestion[] = [],
) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => createPolicyPermissions(allows, asked),
  });
}
