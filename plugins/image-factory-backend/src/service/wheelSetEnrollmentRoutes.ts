import {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  changeWheelSetRequestSchema,
  enrollWheelSetRequestSchema,
  imageFactoryWheelSetEnrollPermission,
  unenrollImageRequestSchema,
} from '@image-factory/plugin-image-factory-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { EnrollmentService, Requester } from '../enrollment';
import { NOT_CONFIGURED, ownerRef } from './enrollmentRoutes';
import { answerChangeRequest, requesterOf } from './changeRequestAnswers';
import { parseRequestBody } from './parseRequestBody';

/**
 * Change requests of the refinery's wheel sets, pull requests against
 * wheels.yaml like images' against images.yaml: `POST /refinery/sets`
 * (enroll), `/refinery/sets/:name/changes` and `/refinery/sets/:name/unenroll`.
 * They are made by users holding `image-factory.wheel-set.enroll` who belong
 * to the set's owner (before and after the change); the list and the
 * webhooks are the image enrollment's.
 */
export function wheelSetEnrollmentRoutes(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** Absent when enrollment is not configured. */
  enrollment?: EnrollmentService;
}): express.Router {
  const { httpAuth, permissions, userInfo } = options;
  const router = Router();

  const service = () => {
    if (!options.enrollment) throw new ServiceUnavailableError(NOT_CONFIGURED);
    return options.enrollment;
  };

  const requester = async (req: Request): Promise<Requester> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: imageFactoryWheelSetEnrollPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to enroll or change wheel sets (permission ${imageFactoryWheelSetEnrollPermission.name})`,
      );
    }
    return requesterOf(userInfo, credentials);
  };

  const answer = answerChangeRequest;

  router.post('/refinery/sets', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseRequestBody(enrollWheelSetRequestSchema, req.body);
    ownerRef('set.owner', body.set.owner);
    const who = await requester(req);
    // The set is written as the user gave it: defaults stay implicit.
    answer(
      res,
      await service().enrollWheelSet(
        { set: req.body.set, reason: body.reason },
        who,
      ),
    );
  });

  router.post('/refinery/sets/:name/changes', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseRequestBody(changeWheelSetRequestSchema, req.body);
    if (body.changes.owner !== undefined) {
      ownerRef('changes.owner', body.changes.owner);
    }
    const who = await requester(req);
    answer(
      res,
      await service().changeWheelSet(
        req.params.name,
        { changes: body.changes, reason: body.reason },
        who,
      ),
    );
  });

  router.post('/refinery/sets/:name/unenroll', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseRequestBody(unenrollImageRequestSchema, req.body);
    const who = await requester(req);
    answer(res, await service().unenrollWheelSet(req.params.name, body, who));
  });

  return router;
}
