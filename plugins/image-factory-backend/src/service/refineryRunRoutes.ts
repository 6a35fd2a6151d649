import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { normalizeProjectName } from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import type { RefineryQueue } from '../refinery/queue/createRefineryQueue';
import { JOB_FINISHED } from '../refinery/queue/rows';
import { toApiJob } from '../refinery/queue/toApiRun';
import { callerRef } from './callerRef';
import { refineryRunCaller } from './refineryRunCaller';
import { streamLogEvents } from './streamLogEvents';
import { onlyQueryParameters } from './onlyQueryParameters';
import { wholeNumber } from './wholeNumber';

/**
 * What the refinery runs, for the Refinery page and the Wheel entities:
 * runs with their plans and builds, the queue, each build's log (paged or
 * streamed as server-sent events, like build runs'), a run's planning log,
 * and the projects with their wheels. Any signed-in user or service reads;
 * cancelling a run (`POST /refinery/runs/:id/cancel`) needs
 * `image-factory.refinery.run`, as starting one does.
 */
export function refineryRunRoutes(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  queue: RefineryQueue;
}): express.Router {
  const { queue } = options;
  const router = Router();
  const signedIn = (req: express.Request) =>
    options.httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/refinery/runs', async (req, res) => {
    await signedIn(req);
    onlyQueryParameters(req.query, ['set', 'limit']);
    const limit = wholeNumber('limit', req.query.limit, 20, 1, 100);
    const set = req.query.set;
    // An empty or repeated set is a mistake, not "every set".
    if (set !== undefined && (typeof set !== 'string' || !set.trim())) {
      throw new InputError('set: must be the name of one wheel set');
    }
    res.json({ items: await queue.listRuns({ set, limit }) });
  });

  router.get('/refinery/queue', async (req, res) => {
    await signedIn(req);
    res.json(await queue.store.queueState());
  });

  router.get('/refinery/runs/:id', async (req, res) => {
    await signedIn(req);
    const run = await queue.getRun(req.params.id);
    if (!run)
      throw new NotFoundError(`No refinery run with id '${req.params.id}'`);
    res.json(run);
  });

  router.post('/refinery/runs/:id/cancel', async (req, res) => {
    const credentials = await refineryRunCaller(
      options,
      req,
      'cancel refinery runs',
    );
    const cancelled = await queue.cancel(
      req.params.id,
      callerRef(credentials) ?? 'a service',
    );
    if (!cancelled) {
      throw new NotFoundError(`No refinery run with id '${req.params.id}'`);
    }
    if (cancelled.over) {
      throw new ConflictError(
        `Refinery run ${req.params.id} is ${cancelled.run.status} already; only a queued, planning or building run can be cancelled`,
      );
    }
    res.json(cancelled.run);
  });

  /**
   * A run's planning log, or a build's log (both kept by their id); `done`
   * once it can get no more lines.
   */
  const logOf =
    (ended: (id: string) => Promise<boolean | undefined>, what: string) =>
    async (req: express.Request, res: express.Response) => {
      await signedIn(req);
      const id = req.params.id;
      const after = wholeNumber('after', req.query.after, 0, 0);
      const limit = wholeNumber('limit', req.query.limit, 1000, 1, 5000);
      // Read before the lines: a thing seen ended has all its lines written.
      const done = await ended(id);
      if (done === undefined) {
        throw new NotFoundError(`No refinery ${what} with id '${id}'`);
      }
      const items = await queue.logs.read(id, { after, limit });
      res.json({ items, done: done && items.length < limit });
    };
  const planEnded = async (id: string) => {
    const run = await queue.store.getRun(id);
    return run && !['queued', 'planning'].includes(run.status);
  };
  const jobEnded = async (id: string) => {
    const job = await queue.store.getJob(id);
    return job && JOB_FINISHED.includes(job.status);
  };
  router.get('/refinery/runs/:id/logs', logOf(planEnded, 'run'));
  router.get('/refinery/jobs/:id/logs', logOf(jobEnded, 'build'));

  router.get('/refinery/jobs/:id', async (req, res) => {
    await signedIn(req);
    const job = await queue.store.getJob(req.params.id);
    if (!job)
      throw new NotFoundError(`No refinery build with id '${req.params.id}'`);
    res.json(toApiJob(job));
  });

  router.get('/refinery/jobs/:id/logs/stream', async (req, res) => {
    await signedIn(req);
    const id = req.params.id;
    if (!(await queue.store.getJob(id))) {
      throw new NotFoundError(`No refinery build with id '${id}'`);
    }
    const lastEventId = req.header('last-event-id');
    const after = wholeNumber(
      lastEventId !== undefined ? 'Last-Event-ID' : 'after',
      lastEventId ?? req.query.after,
      0,
      0,
    );
    await streamLogEvents(
      res,
      {
        stateEvent: 'job',
        state: async () => {
          const job = await queue.store.getJob(id);
          return (
            job && {
              data: toApiJob(job),
              status: job.status,
              finished: JOB_FINISHED.includes(job.status),
            }
          );
        },
        lines: (from, limit) => queue.logs.read(id, { after: from, limit }),
        next: (ms, signal) => queue.events.next(id, ms, signal),
      },
      after,
    );
  });

  router.get('/refinery/wheels', async (req, res) => {
    await signedIn(req);
    res.json({ items: await queue.wheels() });
  });

  router.get('/refinery/wheels/:project', async (req, res) => {
    await signedIn(req);
    const project = normalizeProjectName(req.params.project);
    const wheel = (await queue.wheels()).find(w => w.project === project);
    if (!wheel) {
      throw new NotFoundError(`The refinery knows no project '${project}'`);
    }
    res.json(wheel);
  });

  return router;
}
