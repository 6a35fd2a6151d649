import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ImageEntityV1alpha1,
  imageFactoryPromotePermission,
  promoteStageRequestSchema,
  rollbackStageRequestSchema,
} from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { LifecycleService } from '../lifecycle';
import { ImageAccess } from './imageAccess';
import { parseRequestBody } from './parseRequestBody';
import { callerRef } from './callerRef';

/**
 * Routes of lifecycle stages: what each stage of an image holds and its
 * moves (image read), a promotion and a rollback (`image-factory.stage.promote`
 * on the Image). A move answers once the stage tag moved in the registry,
 * or with the reason it did not (`status: failed`).
 */
export function stageRoutes(options: {
  httpAuth: HttpAuthService;
  access: ImageAccess;
  lifecycle: LifecycleService;
  findImage: (name: string) => ImageEntityV1alpha1 | undefined;
}): express.Router {
  const { httpAuth, access, lifecycle, findImage } = options;
  const router = Router();

  const readable = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const name = req.params.name;
    const notFound = () => new NotFoundError(`No image named '${name}'`);
    const image = findImage(name);
    if (!image) throw notFound();
    await access.requireRead(credentials, stringifyEntityRef(image), notFound);
    return { credentials, image };
  };

  const mayMove = async (
    credentials: BackstageCredentials,
    image: ImageEntityV1alpha1,
    what: string,
  ) => {
    const entityRef = stringifyEntityRef(image);
    await access.authorize(
      credentials,
      imageFactoryPromotePermission,
      entityRef,
      `${what} of ${entityRef}`,
    );
  };

  router.get('/images/:name/stages', async (req, res) => {
    const { image } = await readable(req);
    res.json(await lifecycle.list(image));
  });

  router.post('/images/:name/stages/:stage/promotions', async (req, res) => {
    const body = parseRequestBody(promoteStageRequestSchema, req.body);
    const { credentials, image } = await readable(req);
    await mayMove(credentials, image, `promote to ${req.params.stage}`);
    const move = await lifecycle.promote(image, {
      stage: req.params.stage,
      digest: body.digest,
      by: callerRef(credentials),
      reason: body.reason,
    });
    res.status(move.status === 'done' ? 200 : 502).json(move);
  });

  router.post('/images/:name/stages/:stage/rollback', async (req, res) => {
    const body = parseRequestBody(rollbackStageRequestSchema, req.body);
    const { credentials, image } = await readable(req);
    await mayMove(credentials, image, `roll back ${req.params.stage}`);
    const move = await lifecycle.rollback(image, {
      stage: req.params.stage,
      digest: body.digest,
      by: callerRef(credentials),
      reason: body.reason,
    });
    res.status(move.status === 'done' ? 200 : 502).json(move);
  });

  return router;
}
