import {
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  changeImageRequestSchema,
  Enrollment,
  enrollImageRequestSchema,
  EnrollmentList,
  EnrollmentState,
  imageFactoryChangePermission,
  imageFactoryEnrollPermission,
  imageFactoryUnenrollPermission,
  unenrollImageRequestSchema,
} from '@image-factory/plugin-image-factory-common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import {
  EnrollmentService,
  fullOwnerRef,
  GitHubRequestError,
  Requester,
} from '../enrollment';
import { ImageAccess, imageEntityRef } from './imageAccess';
import { answerChangeRequest, requesterOf } from './changeRequestAnswers';
import { parseRequestBody } from './parseRequestBody';

const STATES: EnrollmentState[] = ['open', 'merged', 'closed'];

/**
 * GitHub's `X-Hub-Signature-256`: HMAC-SHA256 of the raw body. (Octokit's
 * webhooks-methods is ESM-only without a require entry, so the backend's
 * CommonJS build cannot load it.)
 */
function signatureMatches(secret: string, body: Buffer, signature: string) {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The paths of these routes that answer without a Backstage token. */
export const ENROLLMENT_UNAUTHENTICATED_PATHS = ['/webhooks/github'];

/** Where to set up enrollment, for the 503 of an unconfigured factory. */
export const NOT_CONFIGURED =
  'Enrollment is not configured: set imageFactory.enrollment.target (or imageFactory.images.location) to the URL of images.yaml in a GitHub repository, with an integrations.github entry for its host';

/** The owner's entity ref, or a 400 naming the field. */
export function ownerRef(field: string, owner: string): string {
  try {
    return fullOwnerRef(owner);
  } catch {
    throw new InputError(
      `${field}: must be a user or group entity ref such as team-web or user:default/jane, got '${owner}'`,
    );
  }
}

/**
 * The Image entity a change request is about, whose readers may see it; none
 * for an enrollment, whose image is not in the catalog before it is merged.
 */
function imageOf(enrollment: Enrollment): string | undefined {
  // Wheel sets are not entities: their requests are read like the sets.
  return enrollment.action === 'enroll' || enrollment.subject === 'wheel-set'
    ? undefined
    : imageEntityRef(enrollment.imageName);
}

/** One permission asked before a change request, with what it is about. */
type Check = [ResourcePermission<'catalog-entity'>, string, string];

/**
 * Routes of self-service enrollment: change requests (`/enrollments`,
 * `/images/:name/unenroll`, `/images/:name/changes`) and GitHub's
 * `pull_request` and `push` webhooks. Change requests are made by users
 * (never by a service alone: a pull request is opened for someone) holding
 * `image-factory.image.enroll` on the new image's owner,
 * `image-factory.image.change` or `image-factory.image.unenroll` on the
 * Image entity.
 */
export function enrollmentRoutes(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  access: ImageAccess;
  logger: LoggerService;
  /** Absent when enrollment is not configured. */
  enrollment?: { service: EnrollmentService; webhookSecret?: string };
  /**
   * Told of a closed pull request that is not an enrollment's (an update
   * pull request of a stage, say), so its state shows without waiting for
   * the next poll.
   */
  onOtherPullRequestClosed?: () => Promise<void>;
}): express.Router {
  const { httpAuth, userInfo, access, enrollment, logger } = options;
  const router = Router();

  const service = () => {
    if (!enrollment) throw new ServiceUnavailableError(NOT_CONFIGURED);
    return enrollment.service;
  };

  /** The signed-in user asking for a change, after the permission checks. */
  const requester = async (
    req: Request,
    checks: Check[],
  ): Promise<Requester> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    for (const [permission, resourceRef, what] of checks) {
      await access.authorize(credentials, permission, resourceRef, what);
    }
    return requesterOf(userInfo, credentials);
  };

  const answer = answerChangeRequest;

  router.get('/enrollments', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const state = req.query.state;
    if (state !== undefined && !STATES.includes(state as EnrollmentState)) {
      throw new InputError(
        `state: must be one of ${STATES.join(', ')}, not '${String(state)}'`,
      );
    }
    const body: EnrollmentList = {
      items: await access.filterReadable(
        credentials,
        await service().list({ state: state as EnrollmentState }),
        imageOf,
      ),
    };
    res.json(body);
  });

  router.get('/enrollments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const found = await service().get(req.params.id);
    const image = imageOf(found);
    if (image) {
      await access.requireRead(
        credentials,
        image,
        () => new NotFoundError(`No change request with id ${req.params.id}`),
      );
    }
    res.json(found);
  });

  router.post('/enrollments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseRequestBody(enrollImageRequestSchema, req.body);
    const owner = ownerRef('image.owner', body.image.owner);
    const who = await requester(req, [
      [imageFactoryEnrollPermission, owner, `enroll images for ${owner}`],
    ]);
    // The entry is written as the user gave it: defaults stay implicit.
    answer(
      res,
      await service().enroll(
        {
          image: req.body.image,
          reason: body.reason,
          acceptUnbuiltPlatforms: body.acceptUnbuiltPlatforms,
        },
        who,
      ),
    );
  });

  router.post('/images/:name/unenroll', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseRequestBody(unenrollImageRequestSchema, req.body);
    const image = imageEntityRef(req.params.name);
    const who = await requester(req, [
      [imageFactoryUnenrollPermission, image, `un-enroll ${image}`],
    ]);
    answer(res, await service().unenroll(req.params.name, body, who));
  });

  router.post('/images/:name/changes', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseRequestBody(changeImageRequestSchema, req.body);
    const image = imageEntityRef(req.params.name);
    const checks: Check[] = [
      [imageFactoryChangePermission, image, `change ${image}`],
    ];
    if (body.changes.owner !== undefined) {
      // Moving an image to another owner enrolls it there.
      const owner = ownerRef('changes.owner', body.changes.owner);
      checks.push([
        imageFactoryEnrollPermission,
        owner,
        `move images to ${owner}`,
      ]);
    }
    const who = await requester(req, checks);
    answer(
      res,
      await service().change(
        req.params.name,
        {
          changes: body.changes,
          reason: body.reason,
          acceptUnbuiltPlatforms: body.acceptUnbuiltPlatforms,
        },
        who,
      ),
    );
  });

  router.post('/webhooks/github', async (req, res) => {
    if (!enrollment) throw new ServiceUnavailableError(NOT_CONFIGURED);
    const secret = enrollment.webhookSecret;
    if (!secret) {
      throw new ServiceUnavailableError(
        'The GitHub webhook is not configured: set imageFactory.enrollment.webhookSecret',
      );
    }
    const raw = (req as Request & { rawBody?: Buffer }).rawBody;
    const signature = req.header('x-hub-signature-256');
    if (!raw || !signature || !signatureMatches(secret, raw, signature)) {
      logger.warn('Refused a GitHub webhook with a missing or wrong signature');
      throw new AuthenticationError(
        'The webhook signature (X-Hub-Signature-256) is missing or does not match imageFactory.enrollment.webhookSecret',
      );
    }
    const event = req.header('x-github-event');
    const payload = req.body as {
      action?: string;
      ref?: string;
      pull_request?: { number?: number; merged?: boolean };
      repository?: { full_name?: string };
    };
    if (event === 'ping') {
      res.json({ result: 'pong' });
      return;
    }
    if (
      event === 'push' &&
      typeof payload.ref === 'string' &&
      typeof payload.repository?.full_name === 'string'
    ) {
      // The base branch moved: open pull requests are re-applied on it.
      const synced = await enrollment.service.pushed(
        payload.repository.full_name,
        payload.ref,
      );
      res.status(synced ? 200 : 202).json({
        result: synced ? 'synced' : 'ignored',
      });
      return;
    }
    if (
      event !== 'pull_request' ||
      payload.action !== 'closed' ||
      typeof payload.pull_request?.number !== 'number' ||
      typeof payload.repository?.full_name !== 'string'
    ) {
      res.status(202).json({ result: 'ignored' });
      return;
    }
    const result = await enrollment.service.pullRequestClosed(
      payload.repository.full_name,
      payload.pull_request.number,
      payload.pull_request.merged === true,
    );
    if (result === 'unknown' && options.onOtherPullRequestClosed) {
      await options.onOtherPullRequestClosed();
      res.status(200).json({ result: 'followed' });
      return;
    }
    res.status(result === 'unknown' ? 202 : 200).json({ result });
  });

  // A rate limit tells the client when to come back, as GitHub told us.
  router.use(
    (
      error: unknown,
      _req: Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (
        error instanceof GitHubRequestError &&
        error.retryAfterSeconds !== undefined
      ) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      next(error);
    },
  );
  return router;
}
