import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { imageFactoryRefineryRunPermission } from '@image-factory/plugin-image-factory-common';
import express from 'express';

/**
 * The caller of a request that starts or cancels refinery work, once the
 * permission `image-factory.refinery.run` allows it; a 403 that names the
 * permission otherwise.
 */
export async function refineryRunCaller(
  options: { httpAuth: HttpAuthService; permissions: PermissionsService },
  req: express.Request,
  /** What is refused, in words: "run wheel sets". */
  what: string,
): Promise<BackstageCredentials> {
  const credentials = await options.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const [decision] = await options.permissions.authorize(
    [{ permission: imageFactoryRefineryRunPermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `Not allowed to ${what} (permission ${imageFactoryRefineryRunPermission.name})`,
    );
  }
  return credentials;
}
