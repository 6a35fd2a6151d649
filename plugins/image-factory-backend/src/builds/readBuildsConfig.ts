import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { normalizeRegistryHost } from '@image-factory/plugin-image-factory-node';
import { readRegistriesConfig } from '../registry';

/** The `imageFactory.builds` config, read once at startup. */
export interface BuildsConfig {
  /** Whether this backend takes runs from the queue. */
  workerEnabled: boolean;
  /** Runs this backend builds at once. */
  concurrentRuns: number;
  /** Platforms of one run built at once. */
  parallelPlatforms: number;
  /** Starts of a run (the first and those after an interruption) before it fails as interrupted. */
  maxAttempts: number;
  /** How long a claim on a run holds without renewal. */
  leaseDurationMs: number;
  /** How often the queue is looked at for new runs and expired leases. */
  pollIntervalMs: number;
  /** Retries of one step (fetch, build, push) after a transient error. */
  retries: number;
  /** Wait before the first retry; doubled for each further one, up to 30 s. */
  retryBackoffMs: number;
  buildTimeoutMs: number;
  pushTimeoutMs: number;
  /** Builds kept in the registry per image unless its `retention.keep` says otherwise. */
  retentionKeep: number;
  /** Basic credentials per registry host, from `imageFactory.providers.registries`. */
  registryCredentials: Map<string, { username: string; password: string }>;
  /** `imageFactory.registries.requestTimeout`: how long one registry request may take. */
  registryRequestTimeoutMs: number;
}

/** Defaults of {@link BuildsConfig}. */
export const BUILDS_DEFAULTS = {
  concurrentRuns: 2,
  parallelPlatforms: 2,
  maxAttempts: 3,
  leaseDurationMs: 60_000,
  pollIntervalMs: 2_000,
  retries: 3,
  retryBackoffMs: 2_000,
  buildTimeoutMs: 60 * 60_000,
  pushTimeoutMs: 15 * 60_000,
  retentionKeep: 10,
} as const;

const PATH = 'imageFactory.builds';

function readWholeNumber(
  config: Config | undefined,
  key: string,
  fallback: number,
  min: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(
      `${PATH}.${key}: must be a whole number of at least ${min}, got ${value}`,
    );
  }
  return value;
}

function readMs(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  if (!config?.has(key)) return fallback;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0)) {
    throw new InputError(`${PATH}.${key}: must be longer than 0`);
  }
  return ms;
}

/** Reads the basic credentials of `imageFactory.providers.registries`, keyed by host as image references name it. */
export function readRegistryCredentials(
  config: Config,
): Map<string, { username: string; password: string }> {
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
    credentials.set(normalizeRegistryHost(host) ?? host, {
      username,
      password,
    });
  }
  return credentials;
}

/** Reads `imageFactory.builds`; throws an `InputError` naming the key when a value is wrong. */
export function readBuildsConfig(config: Config): BuildsConfig {
  const builds = config.getOptionalConfig(PATH);
  const leaseDurationMs = readMs(
    builds,
    'leaseDuration',
    BUILDS_DEFAULTS.leaseDurationMs,
  );
  if (leaseDurationMs < 3_000) {
    throw new InputError(`${PATH}.leaseDuration: must be at least 3 seconds`);
  }
  return {
    workerEnabled: builds?.getOptionalBoolean('worker') ?? true,
    concurrentRuns: readWholeNumber(
      builds,
      'concurrentRuns',
      BUILDS_DEFAULTS.concurrentRuns,
      1,
    ),
    parallelPlatforms: readWholeNumber(
      builds,
      'parallelPlatforms',
      BUILDS_DEFAULTS.parallelPlatforms,
      1,
    ),
    maxAttempts: readWholeNumber(
      builds,
      'maxAttempts',
      BUILDS_DEFAULTS.maxAttempts,
      1,
    ),
    leaseDurationMs,
    pollIntervalMs: readMs(
      builds,
      'pollInterval',
      BUILDS_DEFAULTS.pollIntervalMs,
    ),
    retries: readWholeNumber(builds, 'retries', BUILDS_DEFAULTS.retries, 0),
    retryBackoffMs: readMs(
      builds,
      'retryBackoff',
      BUILDS_DEFAULTS.retryBackoffMs,
    ),
    buildTimeoutMs: readMs(
      builds,
      'buildTimeout',
      BUILDS_DEFAULTS.buildTimeoutMs,
    ),
    pushTimeoutMs: readMs(builds, 'pushTimeout', BUILDS_DEFAULTS.pushTimeoutMs),
    retentionKeep: readWholeNumber(
      builds,
      'retention.keep',
      BUILDS_DEFAULTS.retentionKeep,
      1,
    ),
    registryCredentials: readRegistryCredentials(config),
    registryRequestTimeoutMs: readRegistriesConfig(config).requestTimeoutMs,
  };
}
