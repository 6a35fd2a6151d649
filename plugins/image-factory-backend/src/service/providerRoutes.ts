import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ProviderHealthList } from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { ProviderHealthChecker } from '../providers';

/** `GET /providers/health`: every provider's health, cached about 30 seconds. */
export function providerRoutes(options: {
  httpAuth: HttpAuthService;
  health: ProviderHealthChecker;
}): express.Router {
  const { httpAuth, health } = options;
  const router = Router();
  router.get('/providers/health', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: ProviderHealthList = { items: await health.check() };
    res.json(body);
  });
  return router;
}
