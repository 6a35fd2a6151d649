import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  imageVersionListQuerySchema,
  parseFields,
} from '@image-factory/plugin-image-factory-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { assertDigest, Versions, VersionTarget } from '../versions';
import { ImageAccess } from './imageAccess';

/**
 * Routes of the Versions view: an image's versions (paged, sorted,
 * filtered), one version with its attachments, two compared, and a refresh
 * of the tag listing. Each needs read access to the Image entity: without
 * it, as for an unknown image, 404.
 */
export function versionRoutes(options: {
  httpAuth: HttpAuthService;
  access: ImageAccess;
  versions: Versions;
}): express.Router {
  const { httpAuth, access, versions } = options;
  const router = Router();

  const readableTarget = async (req: Request): Promise<VersionTarget> => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const name = req.params.name;
    const notFound = () => new NotFoundError(`No image named '${name}'`);
    const target = await versions.resolve(name);
    if (!target) throw notFound();
    await access.requireRead(credentials, target.entityRef, notFound);
    return target;
  };

  router.get('/images/:name/versions', async (req, res) => {
    const parsed = parseFields(imageVersionListQuerySchema, req.query);
    if (!parsed.success) {
      throw new InputError(
        `Invalid query: ${parsed.issues
          .map(i => `${i.path || '(query)'}: ${i.message}`)
          .join('; ')}`,
      );
    }
    const target = await readableTarget(req);
    res.json(await versions.service.list(target, parsed.data));
  });

  // Before `/versions/:digest`, which would take `compare` for a digest.
  router.get('/images/:name/versions/compare', async (req, res) => {
    const from = assertDigest('from', req.query.from);
    const to = assertDigest('to', req.query.to);
    const target = await readableTarget(req);
    res.json(await versions.service.compare(target, from, to));
  });

  router.get('/images/:name/versions/:digest', async (req, res) => {
    const digest = assertDigest('digest', req.params.digest);
    const target = await readableTarget(req);
    res.json(await versions.service.get(target, digest));
  });

  router.post('/images/:name/versions/refresh', async (req, res) => {
    const target = await readableTarget(req);
    res.json(await versions.service.refresh(target));
  });

  return router;
}
