import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AuditEventList,
  emergencyRebuildRequestSchema,
  EmergencyRebuildResponse,
  ImageEntityV1alpha1,
  imageFactoryEmergencyRebuildPermission,
  UpcomingRebuildList,
} from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { RebuildPlanStore } from '../database';
import { EmergencyRebuilds, RebuildPlanner } from '../planning';
import { ImageAccess } from './imageAccess';
import { parseRequestBody } from './parseRequestBody';
import { callerRef } from './callerRef';

const AUDIT_LIMIT = 100;

/** Who asked: the user's entity ref, or the calling service's subject. */

/**
 * Routes of the rebuild planner: the upcoming rebuilds, emergency rebuilds
 * (permission and justification required, audited) and an image's audit trail.
 * Images the caller may not read in the catalog are left out of the list and
 * answer 404.
 */
export function rebuildRoutes(options: {
  httpAuth: HttpAuthService;
  access: ImageAccess;
  findImage: (name: string) => ImageEntityV1alpha1 | undefined;
  planner: RebuildPlanner;
  emergency: EmergencyRebuilds;
  plans: RebuildPlanStore;
}): express.Router {
  const { httpAuth, access, findImage } = options;
  const router = Router();

  /** The image, or a 404 when it does not exist or the caller may not read it. */
  const requireImage = async (
    credentials: BackstageCredentials,
    name: string,
  ) => {
    const notFound = () => new NotFoundError(`No image named '${name}'`);
    const image = findImage(name);
    if (!image) throw notFound();
    await access.requireRead(credentials, stringifyEntityRef(image), notFound);
    return image;
  };

  router.get('/rebuilds/upcoming', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body: UpcomingRebuildList = {
      items: await access.filterReadable(
        credentials,
        await options.planner.upcoming(),
        r => r.entityRef,
      ),
    };
    res.json(body);
  });

  router.post('/images/:name/emergency-rebuilds', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parseRequestBody(emergencyRebuildRequestSchema, req.body);
    const image = await requireImage(credentials, req.params.name);
    const entityRef = stringifyEntityRef(image);
    await access.authorize(
      credentials,
      imageFactoryEmergencyRebuildPermission,
      entityRef,
      `trigger an emergency rebuild of ${entityRef}`,
    );
    // Managed images always have a source; a base image may have one.
    if (!image.spec.source) {
      throw new InputError(
        `image ${image.metadata.name}: ${
          image.spec.type === 'external' ? 'an' : 'a'
        } ${
          image.spec.type
        } image without a source cannot be rebuilt; only images with a source are`,
      );
    }
    const response: EmergencyRebuildResponse = await options.emergency.trigger({
      image,
      justification: body.justification,
      cascade: body.cascade ?? false,
      actor: callerRef(credentials) ?? 'unknown',
    });
    res.status(202).json(response);
  });

  router.get('/images/:name/audit', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const image = await requireImage(credentials, req.params.name);
    const body: AuditEventList = {
      items: await options.plans.listAudit(
        stringifyEntityRef(image),
        AUDIT_LIMIT,
      ),
    };
    res.json(body);
  });

  return router;
}
