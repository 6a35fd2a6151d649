/*
 * The backend of the whole-path part: the real catalog plugin, the real
 * image-factory backend plugin and our catalog module, on the real database
 * and scheduler services, as packages/backend wires them. Only the source
 * host is stood in for: the UrlReader serves the generated Dockerfiles, so
 * the dependency graph (the Images' dependsOn) is built without the network.
 */
import {
  coreServices,
  createServiceFactory,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleImageFactory from '@image-factory/plugin-catalog-backend-module-image-factory';
import imageFactoryBackend from '@image-factory/plugin-image-factory-backend';
import { JsonObject } from '@backstage/types';
import { createHash } from 'crypto';
import { AddressInfo } from 'net';
import { dockerfileOf } from './generate';

/**
 * The catalog's processing interval in this part, for both kinds
 * (BENCH_PROCESSING_INTERVAL, seconds). Not 1 s: at 10,000 entities that asks
 * for 10,000 processings a second, far beyond what the catalog does on two
 * cores, so every entity is always overdue and any change waits behind a whole
 * pass over the catalog, whichever kind it is. The location file is refreshed
 * through the catalog API after each write instead (scenario.ts).
 */
export const PROCESSING_INTERVAL_SECONDS = Number(
  process.env.BENCH_PROCESSING_INTERVAL ?? 100,
);

/**
 * BENCH_NO_REGISTRY_PROVIDER=1 leaves out the registry Provider, and with it
 * the one `providedBy` target (and its 10,000 inverse `providerOf`
 * relations, which the catalog stitches again as Images arrive) that every
 * Image shares: the hub's cost, measured apart.
 */
const registries = process.env.BENCH_NO_REGISTRY_PROVIDER
  ? {}
  : { registries: { local: { type: 'oci', host: 'localhost:5000' } } };

const DOCKERFILE = /\/images\/image-(\d+)\/Dockerfile$/;

/** A source host that answers with the generated Dockerfiles (and ETags). */
const sourceHost: UrlReaderService = {
  async readUrl(url, options) {
    const match = DOCKERFILE.exec(url);
    if (!match) throw new NotFoundError(`no such file: ${url}`);
    const text = dockerfileOf(Number(match[1]));
    const etag = createHash('sha1').update(text).digest('hex');
    if (options?.etag === etag) throw new NotModifiedError();
    return { buffer: async () => Buffer.from(text), etag };
  },
  async readTree() {
    throw new NotFoundError('readTree is not served here');
  },
  async search() {
    throw new NotFoundError('search is not served here');
  },
};

export interface Portal {
  /** `http://127.0.0.1:<port>/api/catalog`. */
  catalogUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the backend with `images.yaml` at `imagesFile` and the location file
 * `componentsFile` registered in `catalog.locations`.
 */
export async function startPortal(options: {
  database: JsonObject;
  imagesFile: string;
  componentsFile: string;
  /** A directory of the scenario, for the refinery's wheel store. */
  dir: string;
}): Promise<Portal> {
  const everySecond = {
    frequency: { seconds: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 0 },
  };
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      imageFactoryBackend,
      catalogModuleImageFactory,
      databaseServiceFactory,
      schedulerServiceFactory,
      // BENCH_LOG_LEVEL=info shows what the backend does.
      mockServices.rootLogger.factory({
        level: (process.env.BENCH_LOG_LEVEL ?? 'warn') as 'warn',
      }),
      createServiceFactory({
        service: coreServices.urlReader,
        deps: {},
        factory: () => sourceHost,
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database: options.database },
          catalog: {
            processingInterval: { seconds: PROCESSING_INTERVAL_SECONDS },
            rules: [{ allow: ['Component', 'Location'] }],
            locations: [{ type: 'file', target: options.componentsFile }],
          },
          imageFactory: {
            images: { location: options.imagesFile, schedule: everySecond },
            tracking: { enabled: false },
            builds: { worker: false },
            rebuilds: { enabled: false },
            refinery: {
              workers: { enabled: false },
              store: { directory: options.dir },
            },
            providers: {
              executors: {
                'no-docker': {
                  host: 'unix:///tmp/bench-catalog-no-docker.sock',
                },
              },
              ...registries,
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    catalogUrl: `http://127.0.0.1:${port}/api/catalog`,
    stop: () => backend.stop(),
  };
}
