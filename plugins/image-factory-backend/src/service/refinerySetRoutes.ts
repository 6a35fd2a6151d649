import {
  HttpAuthService,
  PermissionsService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { formatImagesFileIssue } from '@image-factory/plugin-image-factory-common';
import Dockerode from 'dockerode';
import express from 'express';
import Router from 'express-promise-router';
import type { RefineryQueue } from '../refinery/queue/createRefineryQueue';
import type { BuilderImages } from '../refinery/builders';
import { readWheelSets } from '../refinery/readWheelSets';
import { runWheelSet } from '../refinery/runWheelSet';
import { callerRef } from './callerRef';
import { refineryRunCaller } from './refineryRunCaller';
import type { WheelFileStore } from '../refinery/store/WheelFileStore';
import type { WheelPublisher } from '../refinery/WheelPublisher';

/**
 * The wheel sets of `wheels.yaml` (`GET /refinery/sets`, with every problem
 * of the file), their plans (`POST /refinery/sets/:name/plan`: pip's
 * resolver in each target's builder, what would be built and what is
 * skipped; nothing is built) and their runs (`POST
 * /refinery/sets/:name/runs`: queued, planned and built by the refinery's
 * workers; needs `image-factory.refinery.run`).
 */
export function refinerySetRoutes(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  queue?: RefineryQueue;
  urlReader: UrlReaderService;
  location?: string;
  builders: Record<string, string>;
  /** Chooses each target's builder (a set's factory-built image); absent: the configured ones. */
  builderImages?: BuilderImages;
  docker: Dockerode;
  files: WheelFileStore;
  publisher: WheelPublisher;
}): express.Router {
  const router = Router();

  const readSets = () => readWheelSets(options.location, options.urlReader);

  router.get('/refinery/sets', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const parsed = await readSets();
    res.json({
      location: options.location,
      sets: parsed.sets,
      issues: parsed.issues.map(i => ({
        ...i,
        text: formatImagesFileIssue(i),
      })),
      builderPlatforms: Object.keys(options.builders),
    });
  });

  /** The set of that name, or a 404 that says why there is none. */
  const setNamed = async (name: string) => {
    const parsed = await readSets();
    const set = parsed.sets.find(s => s.name === name);
    if (!set) {
      const issue = parsed.issues.find(i => i.entry === name);
      throw new NotFoundError(
        issue
          ? `Wheel set '${name}' is not valid: ${formatImagesFileIssue(issue)}`
          : `No wheel set named '${name}' in ${options.location}`,
      );
    }
    return set;
  };

  router.post('/refinery/sets/:name/runs', async (req, res) => {
    const credentials = await refineryRunCaller(options, req, 'run wheel sets');
    if (!options.queue) {
      throw new ServiceUnavailableError(
        'The refinery does not run builds on this backend',
      );
    }
    const set = await setNamed(req.params.name);
    res
      .status(202)
      .json(await options.queue.request(set, callerRef(credentials)));
  });

  router.post('/refinery/sets/:name/plan', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const set = await setNamed(req.params.name);
    const targets = await runWheelSet({
      docker: options.docker,
      publisher: options.publisher,
      files: options.files,
      set,
      builders: options.builders,
      builderImages: options.builderImages,
      dryRun: true,
    });
    res.json({ set: set.name, targets });
  });

  return router;
}
