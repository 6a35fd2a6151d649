import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { tryParseImageRef } from '@image-factory/plugin-image-factory-common';
import { DEFAULT_CHECK_INTERVAL_MS } from './DigestWatcher';

/** The `imageFactory.tracking` config, read once at startup. */
export interface TrackingConfig {
  enabled: boolean;
  /** Time between two checks of one reference. */
  intervalMs: number;
  /** How often the factory looks for due references. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Basic credentials per registry host, from `imageFactory.providers.registries`. */
  credentials: Map<string, { username: string; password: string }>;
  /** Bearer token registries send with push notifications; absent: the endpoint is off. */
  notificationsToken?: string;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 10 },
};

/** Reads `imageFactory.tracking` and the registry credentials. */
export function readTrackingConfig(config: Config): TrackingConfig {
  const tracking = config.getOptionalConfig('imageFactory.tracking');
  const intervalMs = tracking?.has('interval')
    ? durationToMilliseconds(
        readDurationFromConfig(tracking, { key: 'interval' }),
      )
    : DEFAULT_CHECK_INTERVAL_MS;
  if (!(intervalMs > 0)) {
    throw new InputError(
      'imageFactory.tracking.interval: must be longer than 0',
    );
  }

  const credentials = new Map<string, { username: string; password: string }>();
  const registries = config.getOptionalConfig(
    'imageFactory.providers.registries',
  );
  for (const id of registries?.keys() ?? []) {
    const registry = registries!.getConfig(id);
    const username = registry.getOptionalString('username');
    const password = registry.getOptionalString('password');
    if (!username || !password) continue;
    const host = registry.getString('host');
    // Keyed like image references, so `index.docker.io` and `docker.io` agree.
    const parsed = tryParseImageRef(`${host}/x/probe`);
    credentials.set(parsed.ok ? parsed.ref.registry : host, {
      username,
      password,
    });
  }

  return {
    enabled: tracking?.getOptionalBoolean('enabled') ?? true,
    intervalMs,
    schedule: tracking?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          tracking.getConfig('schedule'),
        )
      : DEFAULT_SCHEDULE,
    credentials,
    notificationsToken: tracking?.getOptionalString('notificationsToken'),
  };
}
