import { LoggerService } from '@backstage/backend-plugin-api';
import {
  BuildRun,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { ImageFactoryRegistryAdapter } from '@image-factory/plugin-image-factory-node';
import { Knex } from 'knex';
import { DigestStore, VersionCacheStore } from '../database';
import { ImageGraphService } from '../graph';
import { OciRegistryClient, RegistryCredentials } from '../registry';
import { RegistryBudgets } from '../tracking';
import { createOciRegistryAdapter } from './adapters/ociAdapter';
import { createBaseFacts } from './baseFacts';
import { DetailsCache } from './details/DetailsCache';
import { VersionsConfig } from './readVersionsConfig';
import { RepositoryListings } from './RepositoryListings';
import { resolveVersionTarget } from './resolveVersionTarget';
import { VersionTarget } from './types';
import { VersionRegistry } from './VersionRegistry';
import { VersionService } from './VersionService';

/** The Versions view's service, and how a name becomes its image. */
export interface Versions {
  service: VersionService;
  resolve(name: string): Promise<VersionTarget | undefined>;
}

/** Wires the Versions view: registry access within budget, the cache, the ledger. */
export function createVersions(options: {
  client: Knex;
  config: VersionsConfig;
  budgets: RegistryBudgets;
  credentials: (host: string) => Promise<RegistryCredentials | undefined>;
  requestTimeoutMs: number;
  /** Adapters of modules and the built-in hub adapters, before the OCI one. */
  adapters: ImageFactoryRegistryAdapter[];
  runs: (imageName: string) => Promise<BuildRun[]>;
  images: () => ImageEntityV1alpha1[];
  graph?: ImageGraphService;
  digests?: DigestStore;
  logger: LoggerService;
  /** The fetch of registry requests (default: the global one); benchmarks count through it. */
  fetch?: typeof fetch;
}): Versions {
  const client = OciRegistryClient.create({
    fetch: options.fetch,
    credentials: options.credentials,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const registry = new VersionRegistry({
    client,
    budgets: options.budgets,
    adapters: [...options.adapters, createOciRegistryAdapter(client)],
    credentials: options.credentials,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const store = VersionCacheStore.create({ client: options.client });
  const service = new VersionService({
    listings: new RepositoryListings({
      store,
      registry,
      cacheTimeMs: options.config.tagsCacheTimeMs,
      maxTags: options.config.maxTags,
      logger: options.logger,
    }),
    details: new DetailsCache({
      store,
      registry,
      maxEntries: options.config.maxCachedDetails,
      logger: options.logger,
    }),
    registry,
    runs: options.runs,
    baseFacts: createBaseFacts({
      graph: options.graph,
      digests: options.digests,
    }),
    cacheTimeMs: options.config.tagsCacheTimeMs,
    webUrls: options.config.webUrls,
    logger: options.logger,
  });
  return {
    service,
    resolve: name =>
      resolveVersionTarget(name, options.images(), options.graph),
  };
}
