import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ImagesFileSnapshot } from '@image-factory/plugin-image-factory-common';
import { createHash } from 'crypto';
import express from 'express';
import Router from 'express-promise-router';
import { ImagesFileWatcher } from '../sources';
import { authorizeStatusRead } from './authorizeStatusRead';

/**
 * `GET /images-file`: the backend's last read of `images.yaml` (status,
 * revision, Image entities, Provider entities), which the catalog module turns
 * into entities. Needs `image-factory.status.read`, like `/status`.
 */
export function imagesFileRoutes(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  imagesFile: Pick<ImagesFileWatcher, 'getSnapshot'>;
}): express.Router {
  const router = Router();
  router.get('/images-file', async (req, res) => {
    await authorizeStatusRead(req, options, 'the images file');
    const body: ImagesFileSnapshot = options.imagesFile.getSnapshot();
    // Weak: two reads of the same content differ only in when they were
    // made, so a reader that has it gets a 304 (the catalog module asks
    // every schedule tick, mostly for nothing new).
    const { lastReadAt: _readAt, images: _images, ...same } = body;
    res.set(
      'ETag',
      `W/"${createHash('sha256').update(JSON.stringify(same)).digest('hex')}"`,
    );
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.json(body);
  });
  return router;
}
