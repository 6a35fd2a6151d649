import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import {
  BuildRun,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { readProvidersConfig } from '@image-factory/plugin-image-factory-node';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { randomBytes } from 'crypto';
import { Knex } from 'knex';
import { ensureDockerd, TestDockerd } from '../__testUtils__/ensureDockerd';
import { startReplica, TestReplica } from '../__testUtils__/replicas/startReplica';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { migrateDatabase } from '../database';
import { staticElf } from '../executor/__testUtils__/staticElf';
import { imageEntity } from './__testUtils__/imageEntity';
import { BuildEngine, createBuildEngine } from './createBuildEngine';
import { readBuildsConfig } from './readBuildsConfig';

jest.setTimeout(300_000);

const USERNAME = 'builder';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const IMAGES = 20;
const SLEEP_SECONDS = 3;
const TERMINAL = ['succeeded', 'failed', 'cancelled', 'skipped'];

/**
 * Backend replicas as separate processes (each its own build engine and
 * connection pool) on one PostgreSQL database, building on the real dockerd
 * and pushing to the real registry: crashes and restarts lose no run and
 * run none twice.
 */
describe('build queue on three replica processes (PostgreSQL, real dockerd)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let github: GitHubTestServer;
  let images: ImageEntityV1alpha1[];
  let knex: Knex;
  let config: object;
  let queue: BuildEngine;
  const replicas: TestReplica[] = [];

  beforeAll(async () => {
    const files: Record<string, string | Buffer> = {};
    const executables: string[] = [];
    for (let i = 0; i < IMAGES; i++) {
      files[`i${i}/Dockerfile`] = 'FROM scratch\nCOPY sleep nonce /\nRUN ["/sleep"]\n';
      files[`i${i}/sleep`] = staticElf('amd64', `image ${i} built\n`, 0, {
        sleepSeconds: SLEEP_SECONDS,
      });
      // A new step each time: no build comes from an earlier one's cache.
      files[`i${i}/nonce`] = randomBytes(8).toString('hex');
      executables.push(`i${i}/sleep`);
    }
    [dockerd, registry, github] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
      startGitHubTestServer({
        repos: [{ owner: 'acme', name: 'fleet', files, executables }],
      }),
    ]);
    images = Array.from({ length: IMAGES }, (_, i) =>
      imageEntity({
        name: `fleet-${i}`,
        registry: registry.host,
        repository: `replicas/fleet-${i}`,
        platforms: ['linux/amd64'],
        source: { repo: 'acme/fleet', dockerfile: `i${i}/Dockerfile`, context: `i${i}` },
      }),
    );
    knex = await databases.init('POSTGRES_15');
    await migrateDatabase({ getClient: async () => knex });
    config = {
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
          concurrentRuns: 1,
          leaseDuration: { seconds: 4 },
          pollInterval: { milliseconds: 300 },
          maxAttempts: 3,
        },
        providers: {
          executors: {
            'local-docker': {
              host: `unix://${dockerd.socketPath}`,
              platforms: ['linux/amd64'],
            },
          },
          registries: {
            test: { host: registry.host, username: USERNAME, password: PASSWORD },
          },
          sources: { github: { host: new URL(github.webUrl).host } },
        },
      },
    };
    // The test's own engine queues runs and reads them; its worker never starts.
    const reader = new ConfigReader(config as never);
    const logger = mockServices.logger.mock();
    queue = createBuildEngine({
      config: readBuildsConfig(reader),
      providers: readProvidersConfig(reader),
      moduleExecutors: [],
      credentialProviders: [],
      client: knex,
      urlReader: UrlReaders.default({ config: reader, logger }),
      images: () => images,
      logger,
    });
  }, 120_000);

  afterEach(async () => {
    await Promise.all(replicas.splice(0).map(r => r.kill()));
  });

  afterAll(async () => {
    await github?.stop();
    await registry?.stop();
    await dockerd?.stop();
  }, 60_000);

  const replica = async (name: string) => {
    const started = await startReplica({
      name,
      connection: knex.client.config.connection,
      config,
      images,
    });
    replicas.push(started);
    return started;
  };

  const enqueue = async (from: number, count: number) => {
    const runs: BuildRun[] = [];
    for (const image of images.slice(from, from + count)) {
      const { run } = await queue.service.start({
        image,
        cause: 'manual',
        requestedBy: 'user:default/jane',
        force: true,
      });
      runs.push(run);
    }
    return runs;
  };

  const until = async <T>(what: string, fn: () => Promise<T | undefined>) => {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const value = await fn();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 200));
    }
  };

  const allEnded = (runs: BuildRun[]) =>
    until('every run to end', async () => {
      const now = await Promise.all(runs.map(r => queue.service.get(r.id)));
      return now.every(r => r && TERMINAL.includes(r.status))
        ? (now as BuildRun[])
        : undefined;
    });

  /** Every line of the run's log, with its `seq` 1, 2, 3… without a gap. */
  const logOf = async (runId: string) => {
    const page = await queue.service.logs(runId, 0, 10_000);
    expect(page.done).toBe(true);
    expect(page.items.map(l => l.seq)).toEqual(
      page.items.map((_, i) => i + 1),
    );
    return page.items.map(l => l.text).join('\n');
  };

  /** Which replicas recorded each run as finished. */
  const finishers = () => {
    const by = new Map<string, string[]>();
    for (const r of replicas) {
      for (const run of r.finished) {
        by.set(run.id, [...(by.get(run.id) ?? []), r.name]);
      }
    }
    return by;
  };

  it('a replica killed mid-build loses no run: another takes the expired lease and finishes it, once', async () => {
    const [a] = [await replica('a'), await replica('b'), await replica('c')];
    const runs = await enqueue(0, 3);
    // Each replica builds one at a time: all three are running, one on `a`.
    const owners = async () =>
      new Map<string, string | null>(
        (
          await knex('build_runs')
            .whereIn(
              'id',
              runs.map(r => r.id),
            )
            .select('id', 'lease_owner')
        ).map(row => [row.id, row.lease_owner]),
      );
    const running = await until('a run building on replica a', async () => {
      const owned = [...(await owners())].find(([, owner]) =>
        owner?.startsWith(`a-${a.pid}`),
      );
      return owned && { id: owned[0] };
    });
    await a.kill();
    // Its lease expires; another replica claims the run for a second attempt.
    await until('another replica to take the run', async () => {
      const run = await queue.service.get(running.id);
      return run && run.attempts === 2 && run.status !== 'queued';
    });
    // The replica comes back, under a new owner: it never resumes the lost run.
    const back = await replica('a');
    const ended = await allEnded(runs);
    expect(ended.map(r => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const by = finishers();
    for (const run of runs) expect(by.get(run.id)).toHaveLength(1);
    expect(by.get(running.id)).not.toContain('a');
    expect(back.finished.map(r => r.id)).not.toContain(running.id);
    // The log is the second attempt's, on another replica, whole and in order.
    const log = await logOf(running.id);
    expect(log).toMatch(
      new RegExp(`^Attempt 2 of run ${running.id} started on [bc]-\\d+`),
    );
    expect(log.match(/^Run succeeded: image index sha256:/gm)).toHaveLength(1);
    expect(log.trimEnd().split('\n').at(-1)).toMatch(/^Run succeeded/);
    // One replica said it recovered the lease; nothing else went wrong.
    expect(replicas.flatMap(r => r.problems)).toEqual([
      'warn: Recovered a build run whose lease expired',
    ]);
  });

  it('a rolling restart of every replica during a busy queue of 20 runs loses none and runs none twice, logs complete and in order', async () => {
    const group = [await replica('a'), await replica('b'), await replica('c')];
    const runs = await enqueue(0, IMAGES);
    // Restart each replica in turn, as a deployment does, while runs build.
    for (let i = 0; i < group.length; i++) {
      await new Promise(r => setTimeout(r, 4_000));
      await group[i].stop();
      group[i] = await replica(group[i].name);
    }
    const ended = await allEnded(runs);
    expect(ended.filter(r => r.status !== 'succeeded')).toEqual([]);
    const by = finishers();
    for (const run of runs) expect(by.get(run.id)).toHaveLength(1);
    for (const run of runs) {
      const log = await logOf(run.id);
      expect(log.match(/^Run succeeded: image index sha256:/gm)).toHaveLength(1);
      expect(log.trimEnd().split('\n').at(-1)).toMatch(/^Run succeeded/);
    }
    // Stopped replicas gave their runs back: no lease had to expire.
    for (const r of replicas) expect(r.problems).toEqual([]);
  });
});
