import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { RegistryBudgetList } from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { BaseImageTracker } from '../tracking';
import { authorizeStatusRead } from './authorizeStatusRead';

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
    await authorizeStatusRead(
      req,
      { httpAuth, permissions },
      'the registry request budgets',
    );
    const body: RegistryBudgetList = tracker
      ? await tracker.registryBudgets()
      : { enabled: false, items: [] };
    res.json(body);
  });
  return router;
}
