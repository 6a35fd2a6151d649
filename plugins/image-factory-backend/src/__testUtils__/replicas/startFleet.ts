import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { readProvidersConfig } from '@image-factory/plugin-image-factory-node';
import { startGitHubTestServer } from '@image-factory/github-test-server';
import { randomBytes } from 'crypto';
import { Knex } from 'knex';
import { imageEntity } from '../../builds/__testUtils__/imageEntity';
import { BuildEngine, createBuildEngine } from '../../builds/createBuildEngine';
import { readBuildsConfig } from '../../builds/readBuildsConfig';
import { staticElf } from '../../executor/__testUtils__/staticElf';
import { ensureDockerd } from '../ensureDockerd';
import { startTestRegistry } from '../startTestRegistry';
import { startReplica, TestReplica } from './startReplica';

/** What {@link startFleet} starts: images, the services they need, replicas. */
export interface TestFleet {
  images: ImageEntityV1alpha1[];
  /** Queues runs and reads them; its own worker never starts. */
  queue: BuildEngine;
  /** Starts a replica process on the fleet's database. */
  replica(name: string): Promise<TestReplica>;
  stop(): Promise<void>;
}

/**
 * `count` images whose builds sleep `sleepSeconds` in a RUN step (each with
 * its own nonce, so none comes from the cache), their sources on the GitHub
 * test server, the real dockerd (as `executors` executor entries) and a
 * registry with htpasswd auth, on the database `knex` (PostgreSQL, which
 * replicas need).
 */
export async function startFleet(options: {
  knex: Knex;
  count: number;
  sleepSeconds: number;
  executors?: string[];
  concurrentRuns?: number;
  leaseSeconds?: number;
}): Promise<TestFleet> {
  const username = 'builder';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const files: Record<string, string | Buffer> = {};
  const executables: string[] = [];
  for (let i = 0; i < options.count; i++) {
    files[`i${i}/Dockerfile`] =
      'FROM scratch\nCOPY sleep nonce /\nRUN ["/sleep"]\n';
    files[`i${i}/sleep`] = staticElf('amd64', `image ${i} built\n`, 0, {
      sleepSeconds: options.sleepSeconds,
    });
    files[`i${i}/nonce`] = randomBytes(8).toString('hex');
    executables.push(`i${i}/sleep`);
  }
  const [dockerd, registry, github] = await Promise.all([
    ensureDockerd(),
    startTestRegistry({ auth: { username, password } }),
    startGitHubTestServer({
      repos: [{ owner: 'acme', name: 'fleet', files, executables }],
    }),
  ]);
  const images = Array.from({ length: options.count }, (_, i) =>
    imageEntity({
      name: `fleet-${i}`,
      registry: registry.host,
      repository: `replicas/fleet-${i}`,
      platforms: ['linux/amd64'],
      source: {
        repo: 'acme/fleet',
        dockerfile: `i${i}/Dockerfile`,
        context: `i${i}`,
      },
    }),
  );
  const config = {
    integrations: {
      github: [
        {
          host: new URL(github.webUrl).host,
          apiBaseUrl: github.baseUrl,
          token: github.token,
        },
      ],
    },
    imageFactory: {
      builds: {
        concurrentRuns: options.concurrentRuns ?? 1,
        leaseDuration: { seconds: options.leaseSeconds ?? 4 },
        pollInterval: { milliseconds: 300 },
        maxAttempts: 3,
      },
      providers: {
        executors: Object.fromEntries(
          (options.executors ?? ['local-docker']).map(name => [
            name,
            {
              host: `unix://${dockerd.socketPath}`,
              platforms: ['linux/amd64'],
            },
          ]),
        ),
        registries: {
          test: { host: registry.host, username, password },
        },
        sources: { github: { host: new URL(github.webUrl).host } },
      },
    },
  };
  const reader = new ConfigReader(config as never);
  const logger: LoggerService = {
    error() {},
    warn() {},
    info() {},
    debug() {},
    child: () => logger,
  };
  const queue = createBuildEngine({
    config: readBuildsConfig(reader),
    providers: readProvidersConfig(reader),
    moduleExecutors: [],
    credentialProviders: [],
    client: options.knex,
    urlReader: UrlReaders.default({ config: reader, logger }),
    images: () => images,
    logger,
  });
  return {
    images,
    queue,
    replica: name =>
      startReplica({
        name,
        connection: options.knex.client.config.connection,
        config,
        images,
      }),
    async stop() {
      await github.stop();
      await registry.stop();
      await dockerd.stop();
    },
  };
}
