import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { tryParseImageRef } from '@image-factory/plugin-image-factory-common';
import path from 'node:path';
import type { RepositoryRef } from '../registry';
import type { RefineryWorkerConfig } from './queue/RefineryWorker';

export type RefineryConfig = {
  /** Directory of the content-addressed wheel store. */
  storeDirectory: string;
  /**
   * The registry repository that keeps the wheels as OCI artifacts instead
   * of the directory. Absent: the directory store.
   */
  storeRegistry?: RepositoryRef;
  /** Whether the simple index answers without credentials. */
  publicIndex: boolean;
  /**
   * The PEP 503 index the simple index proxies to (ends in `/`): its files
   * of a project join the refinery's on the project's page. Absent: none.
   */
  indexUpstream?: string;
  /** Where wheels.yaml is (a path or a URL the UrlReader reads), if anywhere. */
  wheelsLocation?: string;
  /** The builder image of each platform. */
  builders: Record<string, string>;
  /** The Docker engine builds run on. */
  dockerSocketPath: string;
  /** Whether this backend plans and builds queued runs. */
  workersEnabled: boolean;
  workers: RefineryWorkerConfig;
};

const WORKERS = 'imageFactory.refinery.workers';

function wholeNumberAtLeast(
  config: Config | undefined,
  key: string,
  min: number,
  fallback: number,
) {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(
      `${WORKERS}.${key}: must be a whole number of at least ${min}, got ${value}`,
    );
  }
  return value;
}

function readWorkers(workers: Config | undefined): RefineryWorkerConfig {
  const leaseMs = workers?.has('leaseDuration')
    ? durationToMilliseconds(
        readDurationFromConfig(workers, { key: 'leaseDuration' }),
      )
    : 60_000;
  if (!(leaseMs >= 3_000)) {
    throw new InputError(
      `${WORKERS}.leaseDuration: must be at least 3 seconds`,
    );
  }
  return {
    concurrency: wholeNumberAtLeast(workers, 'concurrency', 1, 1),
    maxAttempts: wholeNumberAtLeast(workers, 'maxAttempts', 1, 3),
    leaseMs,
    pollIntervalMs: 2_000,
  };
}

const INDEX_UPSTREAM = 'imageFactory.refinery.index.upstream';

/** An http(s) URL without credentials, ending in `/` as PEP 503 base URLs do. */
function readIndexUpstream(refinery: Config | undefined): string | undefined {
  const value = refinery?.getOptionalString('index.upstream');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${INDEX_UPSTREAM}: '${value}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      `${INDEX_UPSTREAM}: must be an http or https URL, got '${value}'`,
    );
  }
  if (url.username || url.password) {
    // pip downloads upstream files straight from the upstream, so its
    // project pages would hand the credentials to every reader.
    throw new InputError(
      `${INDEX_UPSTREAM}: must not hold credentials; the index's pages link to the upstream's files`,
    );
  }
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

const STORE_REGISTRY = 'imageFactory.refinery.store.registry';

/** A repository reference (`localhost:5000/image-factory/wheels`), no tag or digest. */
function readStoreRegistry(
  refinery: Config | undefined,
): RepositoryRef | undefined {
  const value = refinery?.getOptionalString('store.registry');
  if (value === undefined) return undefined;
  const parsed = tryParseImageRef(value);
  if (!parsed.ok) {
    throw new InputError(`${STORE_REGISTRY}: ${parsed.error}`);
  }
  if (parsed.ref.tag !== undefined || parsed.ref.digest !== undefined) {
    // Each wheel is its own tag in the repository.
    throw new InputError(
      `${STORE_REGISTRY}: must name a repository without tag or digest, got '${value}'`,
    );
  }
  return { registry: parsed.ref.registry, repository: parsed.ref.repository };
}

/** The builder ./scripts/start and ./scripts/test make with debootstrap. */
export const DEFAULT_BUILDERS = {
  'linux/amd64': 'image-factory/wheel-builder:bookworm-amd64',
};

/** `imageFactory.refinery`: where wheels are kept and who may read the index. */
export function readRefineryConfig(config: Config): RefineryConfig {
  const refinery = config.getOptionalConfig('imageFactory.refinery');
  return {
    storeDirectory: path.resolve(
      refinery?.getOptionalString('store.directory') ?? '.run/refinery',
    ),
    storeRegistry: readStoreRegistry(refinery),
    publicIndex: refinery?.getOptionalBoolean('index.public') ?? false,
    indexUpstream: readIndexUpstream(refinery),
    wheelsLocation: refinery?.getOptionalString('wheels.location'),
    builders: refinery?.has('builders')
      ? Object.fromEntries(
          refinery
            .getConfigArray('builders')
            .map(b => [b.getString('platform'), b.getString('image')]),
        )
      : DEFAULT_BUILDERS,
    dockerSocketPath:
      refinery?.getOptionalString('docker.socketPath') ??
      '/var/run/docker.sock',
    workersEnabled: refinery?.getOptionalBoolean('workers.enabled') ?? true,
    workers: readWorkers(refinery?.getOptionalConfig('workers')),
  };
}
