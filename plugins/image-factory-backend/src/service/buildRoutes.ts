import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  BuildLogLine,
  BuildRunList,
  imageFactoryBuildPermission,
  startBuildRequestSchema,
} from '@image-factory/plugin-image-factory-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { BuildService, isFinished } from '../builds';
import { BuildRunRecord } from '../database';
import { ImageAccess, imageEntityRef } from './imageAccess';
import { parseRequestBody } from './parseRequestBody';
import { streamLogEvents } from './streamLogEvents';
import { wholeNumber } from './wholeNumber';

const DEFAULT_LIST_LIMIT = 20;
const MAX_LIST_LIMIT = 100;
const DEFAULT_LOG_LIMIT = 1_000;
const MAX_LOG_LIMIT = 5_000;

function userRef(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as { userEntityRef?: string };
  return principal.userEntityRef;
}

/**
 * Routes of the build engine: start a run ("Build now"), list an image's
 * runs, read one run, its log (paged or streamed as server-sent events) and
 * cancel it. Every route needs read access to the Image entity (404 without
 * it); starting and cancelling need `image-factory.image.build` on it.
 */
export function buildRoutes(options: {
  httpAuth: HttpAuthService;
  access: ImageAccess;
  builds: BuildService;
}): express.Router {
  const { httpAuth, access, builds } = options;
  const router = Router();

  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** The run, or a 404 when it does not exist or its image is hidden. */
  const readableRun = async (
    credentials: BackstageCredentials,
    id: string,
  ): Promise<BuildRunRecord> => {
    const notFound = () => new NotFoundError(`No build run with id '${id}'`);
    const run = await builds.get(id);
    if (!run) throw notFound();
    await access.requireRead(credentials, run.entityRef, notFound);
    return builds.require(id);
  };

  router.post('/images/:name/builds', async (req, res) => {
    const credentials = await credentialsOf(req);
    const body = parseRequestBody(startBuildRequestSchema, req.body);
    const notFound = () =>
      new NotFoundError(`No image named '${req.params.name}'`);
    const image = builds.findImage(req.params.name);
    if (!image) throw notFound();
    const entityRef = stringifyEntityRef(image);
    await access.requireRead(credentials, entityRef, notFound);
    if (!image.spec.source) {
      throw new InputError(
        `image ${image.metadata.name}: a ${image.spec.type} image without a source cannot be built; only images with a source are`,
      );
    }
    await access.authorize(
      credentials,
      imageFactoryBuildPermission,
      entityRef,
      `build ${entityRef}`,
    );
    const { run, created } = await builds.start({
      image,
      cause: 'manual',
      causeDetail: body.reason,
      requestedBy: userRef(credentials),
      force: body.force,
    });
    res.status(created ? 202 : 200).json(run);
  });

  router.get('/images/:name/builds', async (req, res) => {
    const credentials = await credentialsOf(req);
    const limit = wholeNumber(
      'limit',
      req.query.limit,
      DEFAULT_LIST_LIMIT,
      1,
      MAX_LIST_LIMIT,
    );
    const image = builds.findImage(req.params.name);
    // An un-enrolled image keeps its runs under its former entity ref.
    await access.requireRead(
      credentials,
      image ? stringifyEntityRef(image) : imageEntityRef(req.params.name),
      () => new NotFoundError(`No image named '${req.params.name}'`),
    );
    const body: BuildRunList = {
      items: await builds.list(req.params.name, limit),
    };
    res.json(body);
  });

  router.get('/builds/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    await readableRun(credentials, req.params.id);
    res.json(await builds.get(req.params.id));
  });

  router.get('/builds/:id/logs', async (req, res) => {
    const credentials = await credentialsOf(req);
    const after = wholeNumber('after', req.query.after, 0, 0);
    const limit = wholeNumber(
      'limit',
      req.query.limit,
      DEFAULT_LOG_LIMIT,
      1,
      MAX_LOG_LIMIT,
    );
    await readableRun(credentials, req.params.id);
    res.json(await builds.logs(req.params.id, after, limit));
  });

  router.get('/builds/:id/logs/stream', async (req, res) => {
    // The portal reads the stream through fetchApi (with the user's token,
    // see ImageFactoryClient.streamBuildLogs), so no cookie access is needed.
    const credentials = await credentialsOf(req);
    const lastEventId = req.header('last-event-id');
    const after = wholeNumber(
      lastEventId !== undefined ? 'Last-Event-ID' : 'after',
      lastEventId ?? req.query.after,
      0,
      0,
    );
    await readableRun(credentials, req.params.id);
    const runId = req.params.id;
    await streamLogEvents(
      res,
      {
        stateEvent: 'run',
        state: async () => {
          const run = await builds.get(runId);
          return (
            run && { data: run, status: run.status, finished: isFinished(run) }
          );
        },
        lines: async (from, limit) =>
          (
            await builds.logs(runId, from, limit)
          ).items as BuildLogLine[],
        next: (ms, signal) => builds.events.next(runId, ms, signal),
      },
      after,
    );
  });

  router.post('/builds/:id/cancel', async (req, res) => {
    const credentials = await credentialsOf(req);
    const run = await readableRun(credentials, req.params.id);
    await access.authorize(
      credentials,
      imageFactoryBuildPermission,
      run.entityRef,
      `cancel builds of ${run.entityRef}`,
    );
    res.json(await builds.cancel(run.id));
  });

  return router;
}
