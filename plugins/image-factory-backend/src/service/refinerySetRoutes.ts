import {
  HttpAuthService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  formatImagesFileIssue,
  parseWheelsFile,
} from '@image-factory/plugin-image-factory-common';
import { loadImagesFile } from '@image-factory/plugin-image-factory-node';
import Dockerode from 'dockerode';
import express from 'express';
import Router from 'express-promise-router';
import { runWheelSet } from '../refinery/runWheelSet';
import type { WheelFileStore } from '../refinery/store/WheelFileStore';
import type { WheelPublisher } from '../refinery/WheelPublisher';

const LOCATION_KEY = 'imageFactory.refinery.wheels.location';

/**
 * The wheel sets of `wheels.yaml` (`GET /refinery/sets`, with every problem
 * of the file) and their plans (`POST /refinery/sets/:name/plan`: pip's
 * resolver in each target's builder, what would be built and what is
 * skipped; nothing is built).
 */
export function refinerySetRoutes(options: {
  httpAuth: HttpAuthService;
  urlReader: UrlReaderService;
  location?: string;
  builders: Record<string, string>;
  docker: Dockerode;
  files: WheelFileStore;
  publisher: WheelPublisher;
}): express.Router {
  const router = Router();

  const readSets = async () => {
    if (!options.location) {
      throw new ServiceUnavailableError(
        `No wheel sets: set ${LOCATION_KEY} to a wheels.yaml`,
      );
    }
    const { text } = await loadImagesFile(
      options.location,
      options.urlReader,
      LOCATION_KEY,
    );
    return parseWheelsFile(text);
  };

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
    });
  });

  router.post('/refinery/sets/:name/plan', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const parsed = await readSets();
    const set = parsed.sets.find(s => s.name === req.params.name);
    if (!set) {
      const issue = parsed.issues.find(i => i.entry === req.params.name);
      throw new NotFoundError(
        issue
          ? `Wheel set '${
              req.params.name
            }' is not valid: ${formatImagesFileIssue(issue)}`
          : `No wheel set named '${req.params.name}' in ${options.location}`,
      );
    }
    const targets = await runWheelSet({
      docker: options.docker,
      publisher: options.publisher,
      files: options.files,
      set,
      builders: options.builders,
      dryRun: true,
    });
    res.json({ set: set.name, targets });
  });

  return router;
}
