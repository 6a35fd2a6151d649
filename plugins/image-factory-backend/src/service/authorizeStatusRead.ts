import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { imageFactoryStatusReadPermission } from '@image-factory/plugin-image-factory-common';
import type { Request } from 'express';

/**
 * Lets the request through when its user or service may read the factory's
 * status (`image-factory.status.read`); 401 without credentials, 403 with
 * `Not allowed to read <what>` otherwise.
 */
export async function authorizeStatusRead(
  req: Request,
  deps: { httpAuth: HttpAuthService; permissions: PermissionsService },
  what: string,
): Promise<void> {
  const credentials = await deps.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const [decision] = await deps.permissions.authorize(
    [{ permission: imageFactoryStatusReadPermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`Not allowed to read ${what}`);
  }
}
