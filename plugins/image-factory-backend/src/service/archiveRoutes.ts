import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ArchivedImage,
  ArchivedImageList,
} from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { BuildService } from '../builds';
import { ArchivedImageRecord, ImagesStore } from '../database';
import { authorizeStatusRead } from './authorizeStatusRead';

/** The builds listed per archived image, newest first. */
export const ARCHIVED_BUILDS_PER_IMAGE = 10;

/**
 * `GET /images/archived`: the images no longer in images.yaml, each with its
 * last entry (for "Re-enroll"), its enrollments and un-enrollments and its
 * last builds. Readable with `image-factory.status.read`, like the status.
 */
export function archiveRoutes(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  images: Pick<ImagesStore, 'listArchived'>;
  builds: Pick<BuildService, 'list'>;
}): express.Router {
  const { httpAuth, permissions, images, builds } = options;
  const router = Router();

  const toArchivedImage = async (
    record: ArchivedImageRecord,
  ): Promise<ArchivedImage> => {
    const name = parseEntityRef(record.entityRef).name;
    return {
      name,
      entityRef: record.entityRef,
      type: record.type,
      reference: record.reference,
      owner: record.owner,
      firstSeenAt: record.firstSeenAt.toISOString(),
      archivedAt: record.archivedAt.toISOString(),
      ...(record.entity ? { entity: record.entity } : {}),
      history: record.events.map(e => ({
        event: e.event,
        at: e.at.toISOString(),
      })),
      builds: await builds.list(name, ARCHIVED_BUILDS_PER_IMAGE),
    };
  };

  router.get('/images/archived', async (req, res) => {
    await authorizeStatusRead(
      req,
      { httpAuth, permissions },
      'the archived images',
    );
    const records = await images.listArchived();
    const body: ArchivedImageList = {
      items: await Promise.all(records.map(toArchivedImage)),
    };
    res.json(body);
  });

  return router;
}
