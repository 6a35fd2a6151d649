import {
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** The user every permission is denied to by {@link recordingPermissions}. */
export const DENIED_USER = 'user:default/guest';

/**
 * A permissions service that allows everything except to `user:default/guest`,
 * and records each permission asked (with its resource), so that a test can
 * check what a route authorizes against.
 */
export function recordingPermissions(
  asked: Array<{ name: string; resourceRef?: string }>,
) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: (): PermissionsService => ({
      async authorize(requests, options) {
        const principal = options.credentials.principal as {
          userEntityRef?: string;
        };
        return requests.map(r => {
          asked.push({
            name: r.permission.name,
            resourceRef: (r as { resourceRef?: string }).resourceRef,
          });
          return {
            result:
              principal.userEntityRef === DENIED_USER
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          };
        });
      },
      async authorizeConditional(requests) {
        return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
      },
    }),
  });
}
