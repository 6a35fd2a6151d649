import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  decideStageMoveRequestSchema,
  ImageEntityV1alpha1,
  imageFactoryApprovePermission,
  imageFactoryPromotePermission,
  ImageStageMove,
  LifecycleOverview,
  LifecycleOverviewRow,
  promoteStageRequestSchema,
  rollbackStageRequestSchema,
  stageResourceRef,
} from '@image-factory/plugin-image-factory-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import { parseOwnerRef } from '@image-factory/plugin-image-factory-node';
import express from 'express';
import Router from 'express-promise-router';
import { LifecycleService, StageActor } from '../lifecycle';
import { ImageAccess } from './imageAccess';
import { parseRequestBody } from './parseRequestBody';
import { callerRef } from './callerRef';
import { onlyQueryParameters } from './onlyQueryParameters';
import { wholeNumber } from './wholeNumber';
import { VerificationLogStore, VerificationStore } from '../database';

/** 200 once the tag moved, 202 while a gate is waited for, 502 when it failed. */
function moveStatus(move: ImageStageMove): number {
  if (move.status === 'done') return 200;
  if (move.status === 'waiting' || move.status === 'pending') return 202;
  return move.status === 'rejected' ? 200 : 502;
}

/**
 * Routes of lifecycle stages: what each stage of an image holds and its
 * moves (image read), the factory-wide overview, a promotion and a rollback
 * (`image-factory.stage.promote` on the stage), an approval or rejection
 * (`image-factory.stage.approve` on the stage, by a member of its approver
 * groups other than who asked). A move answers once the stage tag moved in
 * the registry (200), while it waits for verification or approval (202), or
 * with the reason it failed (502).
 */
export function stageRoutes(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  access: ImageAccess;
  lifecycle: LifecycleService;
  findImage: (name: string) => ImageEntityV1alpha1 | undefined;
  images: () => ImageEntityV1alpha1[];
  /** `version`, when given, changes whenever the items may (an ETag). */
  overview: (images: ImageEntityV1alpha1[]) => Promise<{
    items: LifecycleOverviewRow[];
    staleAfter: string;
    version?: string;
  }>;
  verifications?: { store: VerificationStore; logs: VerificationLogStore };
}): express.Router {
  const { httpAuth, userInfo, access, lifecycle, findImage } = options;
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
    stage: string,
    what: string,
    permission: ResourcePermission = imageFactoryPromotePermission,
  ) => {
    // An unknown stage is a bad request, before a policy is asked about it.
    lifecycle.stageOf(image, stage);
    const entityRef = stringifyEntityRef(image);
    await access.authorize(
      credentials,
      permission,
      stageResourceRef(entityRef, stage),
      `${what} of ${entityRef}`,
    );
  };

  const actorOf = async (
    credentials: BackstageCredentials,
  ): Promise<StageActor> => {
    const ref = callerRef(credentials);
    const principal = credentials.principal as { type?: string };
    if (principal.type !== 'user') return { ref };
    const info = await userInfo.getUserInfo(
      credentials as BackstageCredentials<BackstageUserPrincipal>,
    );
    return { ref, ownership: info.ownershipEntityRefs };
  };

  router.get('/lifecycle', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    onlyQueryParameters(req.query, ['owner']);
    const owner = req.query.owner;
    if (owner !== undefined && typeof owner !== 'string') {
      throw new InputError('owner: must be one entity ref');
    }
    // An empty or blank owner is a mistake, not "every owner".
    const ownerRef = owner === undefined ? undefined : parseOwnerRef(owner);
    if (owner !== undefined && !ownerRef) {
      throw new InputError(
        `owner: '${owner}' is not an entity ref such as group:default/team`,
      );
    }
    const ownerOf = (image: ImageEntityV1alpha1) =>
      stringifyEntityRef(
        parseEntityRef(image.spec.owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    const images = await access.filterReadable(
      credentials,
      options
        .images()
        .filter(i => (i.spec.stages ?? []).length > 0)
        .filter(i => !ownerRef || ownerOf(i) === ownerRef),
      i => stringifyEntityRef(i),
    );
    const { version, ...body } = await options.overview(images);
    // A reader that has this overview (the catalog module, every refresh)
    // is answered before it is serialized.
    if (version) {
      res.set('ETag', `W/"lifecycle-${version}"`);
      if (req.fresh) {
        res.status(304).end();
        return;
      }
    }
    res.json(body satisfies LifecycleOverview);
  });

  router.get('/images/:name/verifications/:id/logs', async (req, res) => {
    const after = wholeNumber('after', req.query.after, 0, 0);
    const limit = wholeNumber('limit', req.query.limit, 1000, 1, 5000);
    const { image } = await readable(req);
    const record = await options.verifications?.store.get(req.params.id);
    if (!record || record.imageName !== image.metadata.name) {
      throw new NotFoundError(
        `No verification ${req.params.id} of ${image.metadata.name}`,
      );
    }
    const items = await options.verifications!.logs.read(record.id, {
      after,
      limit,
    });
    const ended = record.status === 'passed' || record.status === 'failed';
    res.json({ items, done: ended && items.length < limit });
  });

  router.get('/images/:name/stages', async (req, res) => {
    const { image } = await readable(req);
    res.json(await lifecycle.list(image));
  });

  const decide = (decision: 'approve' | 'reject') =>
    router.post(
      `/images/:name/stages/:stage/moves/:id/${decision}`,
      async (req, res) => {
        const body = parseRequestBody(decideStageMoveRequestSchema, req.body);
        const { credentials, image } = await readable(req);
        await mayMove(
          credentials,
          image,
          req.params.stage,
          `${decision} a promotion into ${req.params.stage}`,
          imageFactoryApprovePermission,
        );
        const request = {
          stage: req.params.stage,
          moveId: req.params.id,
          reason: body.reason,
        };
        const actor = await actorOf(credentials);
        const move =
          decision === 'approve'
            ? await lifecycle.approve(image, request, actor)
            : await lifecycle.reject(image, request, actor);
        res.status(moveStatus(move)).json(move);
      },
    );
  decide('approve');
  decide('reject');

  router.post('/images/:name/stages/:stage/promotions', async (req, res) => {
    const body = parseRequestBody(promoteStageRequestSchema, req.body);
    const { credentials, image } = await readable(req);
    await mayMove(
      credentials,
      image,
      req.params.stage,
      `promote to ${req.params.stage}`,
    );
    const move = await lifecycle.promote(image, {
      stage: req.params.stage,
      digest: body.digest,
      by: callerRef(credentials),
      reason: body.reason,
    });
    res.status(moveStatus(move)).json(move);
  });

  router.post('/images/:name/stages/:stage/rollback', async (req, res) => {
    const body = parseRequestBody(rollbackStageRequestSchema, req.body);
    const { credentials, image } = await readable(req);
    await mayMove(
      credentials,
      image,
      req.params.stage,
      `roll back ${req.params.stage}`,
    );
    const move = await lifecycle.rollback(image, {
      stage: req.params.stage,
      digest: body.digest,
      by: callerRef(credentials),
      reason: body.reason,
    });
    res.status(moveStatus(move)).json(move);
  });

  return router;
}
