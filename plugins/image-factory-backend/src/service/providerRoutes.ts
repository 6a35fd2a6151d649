import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ProviderHealthList } from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { ProviderHealthChecker } from '../providers';
import { authorizeStatusRead } from './authorizeStatusRead';

/**
 * `GET /providers/health`: every provider's health, cached about 30 seconds.
 * Part of the status, so it needs `image-factory.status.read` like `/status`.
 */
export function providerRoutes(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  health: ProviderHealthChecker;
}): express.Router {
  const { httpAuth, permissions, health } = options;
  const router = Router();
  router.get('/providers/health', async (req, res) => {
    await authorizeStatusRead(
      req,
      { httpAuth, permissions },
      "the providers' health",
    );
    const body: ProviderHealthList = { items: await health.check() };
    res.json(body);
  });
  return router;
}
