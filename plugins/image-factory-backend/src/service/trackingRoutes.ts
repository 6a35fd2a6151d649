import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  imageFactoryStatusReadPermission,
  RegistryBudgetList,
} from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { BaseImageTracker } from '../tracking';

/**
 * `GET /tracking/registries`: each registry host's request budget, what it
 * sent and what the registry reported. Part of the status, so it needs the
 * status permission.
 */
export function trackingRoutes(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Absent when tracking is disabled. */
  tracker?: BaseImageTracker;
}): express.Router {
  const { httpAuth, permissions, tracker } = options;
  const router = Router();
  router.get('/tracking/registries', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: imageFactoryStatusReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'Not allowed to read the registry request budgets',
      );
    }
    const body: RegistryBudgetList = tracker
      ? await tracker.registryBudgets()
      : { enabled: false, items: [] };
    res.json(body);
  });
  return router;
}
