import { timingSafeEqual } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { tryParseImageRef } from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { BaseImageTracker, trackingKey } from '../tracking';

/** The path registries post to; authenticated by the notifications token, not Backstage. */
export const REGISTRY_WEBHOOK_PATH = '/webhooks/registry';

/** Distribution's envelope media type (and plain JSON, as other registries send). */
const MEDIA_TYPES = [
  'application/json',
  'application/vnd.docker.distribution.events.v1+json',
];

interface DistributionEvent {
  action?: string;
  target?: { repository?: string; tag?: string };
  request?: { host?: string };
}

function bearerMatches(header: string | undefined, token: string) {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The watched-reference key a push event names, if it names a tag. */
function pushedReference(event: DistributionEvent): string | undefined {
  const { target, request } = event;
  if (event.action !== 'push' || !target?.tag || !target.repository) {
    return undefined;
  }
  const written = `${request?.host ?? 'docker.io'}/${target.repository}:${
    target.tag
  }`;
  return tryParseImageRef(written).ok ? trackingKey(written) : undefined;
}

/**
 * `POST /webhooks/registry`: a registry's push notifications (the Distribution
 * `notifications` format). A push of a watched reference makes it due at once,
 * so a new base digest is seen without waiting for the next poll.
 */
export function registryWebhookRoutes(options: {
  logger: LoggerService;
  /** Absent when tracking is disabled. */
  tracker?: BaseImageTracker;
  token?: string;
  /** Told of every pushed reference, watched or not (the Versions view lists it again). */
  onPushed?: (references: string[]) => Promise<void>;
}): express.Router {
  const router = Router();
  router.post(
    REGISTRY_WEBHOOK_PATH,
    express.json({ type: MEDIA_TYPES, limit: '1mb' }),
    async (req, res) => {
      const { tracker, token, logger } = options;
      if (!tracker) {
        throw new ServiceUnavailableError(
          'Base-image tracking is disabled (imageFactory.tracking.enabled)',
        );
      }
      if (!token) {
        throw new ServiceUnavailableError(
          'Registry notifications are not configured: set imageFactory.tracking.notificationsToken',
        );
      }
      if (!bearerMatches(req.header('authorization'), token)) {
        logger.warn('Refused a registry notification with a wrong token');
        throw new AuthenticationError(
          'The notification must carry Authorization: Bearer <imageFactory.tracking.notificationsToken>',
        );
      }
      const events: unknown = req.body?.events;
      if (!Array.isArray(events)) {
        throw new InputError(
          "events: must be a list (Distribution's notification envelope)",
        );
      }
      const pushed = [
        ...new Set(
          events
            .map(e => pushedReference(e as DistributionEvent))
            .filter((r): r is string => r !== undefined),
        ),
      ];
      const due = await tracker.markPushed(pushed);
      await options.onPushed?.(pushed);
      if (due.length > 0) {
        logger.info('Registry reported a push of watched references', {
          references: due.join(','),
        });
      }
      res.status(202).json({ due });
    },
  );
  return router;
}
