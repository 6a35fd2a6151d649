import {
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/**
 * The user every Image Factory permission is denied to by
 * {@link recordingPermissions} (reading the catalog is not: the routes answer
 * 403, not 404, to them).
 */
export const DENIED_USER = 'user:default/guest';

/**
 * A permissions service that allows everything except the Image Factory's
 * permissions to `user:default/guest`,
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
              principal.userEntityRef === DENIED_USER &&
              r.permission.name.startsWith('image-factory.')
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
