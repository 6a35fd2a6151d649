import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { BuildArtifactList } from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { BuildArtifacts, MAX_ARTIFACTS_PER_IMAGE } from '../builds';

/**
 * `GET /artifacts?perImage=N`: the last N succeeded runs per image, which the
 * catalog module turns into ImageBuild entities (its service token is allowed).
 */
export function artifactRoutes(options: {
  httpAuth: HttpAuthService;
  artifacts: BuildArtifacts;
}): express.Router {
  const { httpAuth, artifacts } = options;
  const router = Router();
  router.get('/artifacts', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const raw = req.query.perImage;
    let perImage = artifacts.defaultPerImage;
    if (raw !== undefined) {
      perImage =
        typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!(perImage >= 0 && perImage <= MAX_ARTIFACTS_PER_IMAGE)) {
        throw new InputError(
          `perImage: must be a whole number from 0 to ${MAX_ARTIFACTS_PER_IMAGE}, got '${String(
            raw,
          )}'`,
        );
      }
    }
    const body: BuildArtifactList = {
      perImage,
      items: await artifacts.list(perImage),
    };
    res.json(body);
  });
  return router;
}
