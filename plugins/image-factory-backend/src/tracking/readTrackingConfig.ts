import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { tryParseImageRef } from '@image-factory/plugin-image-factory-common';
import { DEFAULT_CHECK_INTERVAL_MS } from './DigestWatcher';
import { RegistryBudgetConfig } from './RegistryBudgets';

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
  /**
   * Request budget and interval per registry host, from
   * `imageFactory.tracking.registries`, with Docker Hub's default added.
   */
  registries: RegistryBudgetConfig[];
}

/** The host Docker Hub's references name. */
export const DOCKER_HUB_HOST = 'docker.io';
/**
 * Docker Hub's budget unless configured: anonymous clients get 100 pulls
 * per 6 hours per IP address, shared with the builds on the same address.
 * 16 requests an hour (96 per 6 hours), at most 16 at once, stays under it
 * even though Docker Hub does not count HEADs.
 */
export const DEFAULT_DOCKER_HUB_BUDGET = { requestsPerHour: 16, burst: 16 };

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
    credentials.set(canonicalHost(registry.getString('host')), {
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
    registries: readRegistryBudgets(tracking),
  };
}

/** Keyed like image references, so `index.docker.io` and `docker.io` agree. */
function canonicalHost(host: string): string {
  const parsed = tryParseImageRef(`${host}/x/probe`);
  return parsed.ok ? parsed.ref.registry : host;
}

function readRegistryBudgets(
  tracking: Config | undefined,
): RegistryBudgetConfig[] {
  const registries = tracking?.getOptionalConfig('registries');
  const byHost = new Map<string, RegistryBudgetConfig>();
  for (const id of registries?.keys() ?? []) {
    const key = `imageFactory.tracking.registries.${id}`;
    const entry = registries!.getConfig(id);
    const host = canonicalHost(entry.getString('host'));
    if (byHost.has(host)) {
      throw new InputError(
        `${key}.host: '${host}' has a budget already; one entry per host`,
      );
    }
    const defaults: { requestsPerHour?: number; burst?: number } =
      host === DOCKER_HUB_HOST ? DEFAULT_DOCKER_HUB_BUDGET : {};
    const requestsPerHour =
      entry.getOptionalNumber('requestsPerHour') ?? defaults.requestsPerHour;
    if (
      requestsPerHour !== undefined &&
      !(requestsPerHour > 0 && Number.isFinite(requestsPerHour))
    ) {
      throw new InputError(
        `${key}.requestsPerHour: must be a number above 0, got ${requestsPerHour}`,
      );
    }
    const burst =
      entry.getOptionalNumber('burst') ??
      (entry.has('requestsPerHour') ? undefined : defaults.burst);
    if (burst !== undefined && !(Number.isInteger(burst) && burst >= 1)) {
      throw new InputError(
        `${key}.burst: must be a whole number of at least 1, got ${burst}`,
      );
    }
    if (burst !== undefined && requestsPerHour === undefined) {
      throw new InputError(
        `${key}.burst: needs requestsPerHour, the rate the bucket refills at`,
      );
    }
    let intervalMs: number | undefined;
    if (entry.has('interval')) {
      intervalMs = durationToMilliseconds(
        readDurationFromConfig(entry, { key: 'interval' }),
      );
      if (!(intervalMs > 0)) {
        throw new InputError(`${key}.interval: must be longer than 0`);
      }
    }
    const enabled = entry.getOptionalBoolean('enabled');
    byHost.set(host, {
      host,
      ...(enabled === false && { enabled }),
      ...(requestsPerHour !== undefined && { requestsPerHour }),
      ...(burst !== undefined && { burst }),
      ...(intervalMs !== undefined && { intervalMs }),
    });
  }
  if (!byHost.has(DOCKER_HUB_HOST)) {
    byHost.set(DOCKER_HUB_HOST, {
      host: DOCKER_HUB_HOST,
      ...DEFAULT_DOCKER_HUB_BUDGET,
    });
  }
  return [...byHost.values()];
}
