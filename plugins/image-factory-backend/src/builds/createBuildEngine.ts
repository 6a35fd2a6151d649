import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  BuildRun,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import {
  ImageFactoryCredentialProvider,
  ImageFactoryAnyExecutor,
  ProviderConfig,
} from '@image-factory/plugin-image-factory-node';
import Dockerode from 'dockerode';
import { readFileSync } from 'fs';
import { Knex } from 'knex';
import {
  DatabaseBuildLogStore,
  DatabaseBuildStore,
  DatabaseDigestStore,
  DatabaseExecutorSlotStore,
  StageStore,
  toBuildRun,
} from '../database';
import { DockerExecutor } from '../executor';
import { BuildEvents } from './BuildEvents';
import { BuildMetrics } from './BuildMetrics';
import { BuildRunner } from './BuildRunner';
import { BuildService } from './BuildService';
import { BuildWorker } from './BuildWorker';
import { ExecutorPool } from './ExecutorPool';
import { BuildsConfig } from './readBuildsConfig';
import { RegistryCredentialSource } from './RegistryCredentialSource';
import { SourceFetcher } from './SourceFetcher';

/**
 * Dockerode's connection options for a DOCKER_HOST-style URL:
 * `unix:///var/run/docker.sock`, `tcp://host:2375`, `ssh://user@host`.
 */
export function dockerConnection(
  host: string,
  key: string,
  ssh: { identityFile?: string } = {},
): Dockerode.DockerOptions {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new InputError(
      `${key}: must be a Docker host URL such as unix:///var/run/docker.sock or tcp://builder:2375, got '${host}'`,
    );
  }
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: url.pathname };
    case 'tcp:':
    case 'http:':
      return {
        protocol: 'http',
        host: url.hostname,
        port: url.port || '2375',
      };
    case 'https:':
      return {
        protocol: 'https',
        host: url.hostname,
        port: url.port || '2376',
      };
    case 'ssh:':
      return {
        protocol: 'ssh',
        host: url.hostname,
        port: url.port || '22',
        ...(url.username ? { username: url.username } : {}),
        sshOptions: {
          ...(process.env.SSH_AUTH_SOCK
            ? { agent: process.env.SSH_AUTH_SOCK }
            : {}),
          ...(ssh.identityFile
            ? { privateKey: readIdentityFile(ssh.identityFile, key) }
            : {}),
        },
      };
    default:
      throw new InputError(
        `${key}: unsupported scheme '${url.protocol}' (use unix://, tcp://, https:// or ssh://)`,
      );
  }
}

function readIdentityFile(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError(
      `${key.replace(/\.host$/, '.sshIdentityFile')}: cannot read '${file}' (${
        (e as NodeJS.ErrnoException).code ?? (e as Error).message
      })`,
    );
  }
}

/** The build engine's parts, wired together. */
export interface BuildEngine {
  service: BuildService;
  worker: BuildWorker;
  /** Every executor builds run on. */
  executors: ImageFactoryAnyExecutor[];
  /** The same executors with their build slots, for verification runs too. */
  pool: ExecutorPool;
  /** Registry credentials, from modules or config (for health checks). */
  credentials: RegistryCredentialSource;
}

/**
 * Wires the build engine: a {@link DockerExecutor} for each configured
 * executor that no module provided, the queue and ledger stores, the runner,
 * the worker (not started) and the service the REST API uses.
 */
export function createBuildEngine(options: {
  config: BuildsConfig;
  providers: ProviderConfig[];
  /** Executors added by modules; they win over configured ones with the same id. */
  moduleExecutors: ImageFactoryAnyExecutor[];
  credentialProviders: ImageFactoryCredentialProvider[];
  client: Knex;
  urlReader: UrlReaderService;
  images: () => ImageEntityV1alpha1[];
  logger: LoggerService;
  clock?: () => Date;
  workerOwner?: string;
  /** Metrics of finished runs; none when absent. */
  metrics?: BuildMetrics;
  /** Told of each run this backend finished, e.g. to publish an event. */
  onRunFinished?: (run: BuildRun) => Promise<void>;
}): BuildEngine {
  const { config, providers, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const executors = [...options.moduleExecutors];
  for (const provider of providers) {
    if (provider.kind !== 'executor' || provider.implementation !== 'docker') {
      continue;
    }
    if (executors.some(e => e.id === provider.id)) continue;
    executors.push(
      DockerExecutor.create({
        id: provider.id,
        docker: dockerConnection(
          provider.endpoint,
          `imageFactory.providers.executors.${provider.id}.host`,
          { identityFile: provider.sshIdentityFile },
        ),
        concurrency: provider.concurrency,
        builder: provider.builder,
        network: provider.buildNetwork,
        logger: logger.child({ executor: provider.id }),
      }),
    );
  }

  const store = DatabaseBuildStore.create({ client: options.client });
  const logs = DatabaseBuildLogStore.create({ client: options.client });
  const events = new BuildEvents();
  const credentials = new RegistryCredentialSource({
    providers: options.credentialProviders,
    configured: config.registryCredentials,
    requestTimeoutMs: config.registryRequestTimeoutMs,
  });
  // Slots in the database: replicas together keep each executor's concurrency.
  const pool = new ExecutorPool(
    executors,
    providers,
    DatabaseExecutorSlotStore.create({ client: options.client }),
  );
  const stages = StageStore.create({ client: options.client });
  const runner = new BuildRunner({
    images: options.images,
    sources: new SourceFetcher({ urlReader: options.urlReader, providers }),
    executors: pool,
    credentials,
    store,
    digests: DatabaseDigestStore.create({ client: options.client }),
    heldDigests: name => stages.heldDigests(name),
    config,
    logger,
    clock,
    onChange: runId => events.changed(runId),
  });
  const worker = new BuildWorker({
    store,
    logs,
    runner,
    events,
    credentials,
    config,
    logger,
    clock,
    owner: options.workerOwner,
    onFinished: async runId => {
      const record = await store.get(runId);
      if (!record) return;
      const run = toBuildRun(record);
      options.metrics?.runFinished(run);
      await options.onRunFinished?.(run);
    },
  });
  const service = new BuildService({
    store,
    logs,
    events,
    images: options.images,
    worker: config.workerEnabled ? worker : undefined,
    clock,
  });
  return { service, worker, executors, pool, credentials };
}
