import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { BuildArtifactList } from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { BuildArtifacts, MAX_ARTIFACTS_PER_IMAGE } from '../builds';
import { ImageAccess } from './imageAccess';

/**
 * `GET /artifacts?perImage=N`: the last N succeeded runs per image, which the
 * catalog module turns into ImageBuild entities (its service token is allowed).
 * A user sees only the images they may read in the catalog.
 */
export function artifactRoutes(options: {
  httpAuth: HttpAuthService;
  access: ImageAccess;
  artifacts: BuildArtifacts;
}): express.Router {
  const { httpAuth, access, artifacts } = options;
  const router = Router();
  router.get('/artifacts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
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
      items: await access.filterReadable(
        credentials,
        await artifacts.list(perImage),
        a => a.image,
      ),
    };
    res.json(body);
  });
  return router;
}
