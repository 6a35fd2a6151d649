import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { readProvidersConfig } from '@image-factory/plugin-image-factory-node';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { Knex } from 'knex';
import { ensureDockerd, TestDockerd } from '../__testUtils__/ensureDockerd';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { BuildEngine, createBuildEngine, readBuildsConfig } from '../builds';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import {
  DatabaseBuildStore,
  DatabaseBuildTriggerStore,
  DatabaseDigestStore,
  DatabaseRebuildPlanStore,
  migrateDatabase,
} from '../database';
import { DependencyGraph } from '../tracking';
import { BuildTriggers } from './BuildTriggers';
import { RebuildPlanner } from './RebuildPlanner';

/*
 * Automatic builds as they really run: the planner with its images.yaml
 * triggers queues on the real build engine, which builds on a real dockerd
 * from the GitHub test server and pushes to a real registry. Only the clock
 * is the test's, to reach a weekly schedule.
 */

jest.setTimeout(180_000);

const DAY = 24 * 60 * 60 * 1000;

describe('automatic builds (real dockerd, registry and GitHub test server)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Knex;
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let github: GitHubTestServer;
  let images: ImageEntityV1alpha1[];
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const engines: BuildEngine[] = [];

  /** A backend's planner and build engine over the test's database. */
  /** `appRead: false`: the graph has not read app's Dockerfile yet. */
  function backend(options: { appRead?: boolean } = {}) {
    const config = new ConfigReader({
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
        builds: { leaseDuration: { seconds: 30 } },
        providers: {
          executors: {
            'local-docker': {
              host: `unix://${dockerd.socketPath}`,
              platforms: ['linux/amd64'],
            },
          },
          registries: { test: { host: registry.host } },
          sources: { github: { host: new URL(github.webUrl).host } },
        },
      },
    });
    const logger = mockServices.logger.mock();
    const engine = createBuildEngine({
      config: readBuildsConfig(config),
      providers: readProvidersConfig(config),
      moduleExecutors: [],
      credentialProviders: [],
      client: knex,
      urlReader: UrlReaders.default({ config, logger }),
      images: () => images,
      logger,
      clock,
    });
    engines.push(engine);
    const builds = DatabaseBuildStore.create({ client: knex });
    const planner = new RebuildPlanner({
      images: () => images,
      graph: async () => {
        const bases = (entityRef: string) =>
          entityRef === 'image:default/app' && options.appRead !== false
            ? [images[0].spec.reference]
            : [];
        return {
          graph: DependencyGraph.build(
            images.map(i => ({
              entityRef: stringifyEntityRef(i),
              reference: i.spec.reference,
              bases: bases(stringifyEntityRef(i)),
            })),
          ),
          basesOf: bases,
          basesKnown: (entityRef: string) =>
            options.appRead !== false || entityRef !== 'image:default/app',
        };
      },
      digests: DatabaseDigestStore.create({ client: knex }),
      builds,
      plans: DatabaseRebuildPlanStore.create({ client: knex }),
      queue: engine.service,
      logger,
      maxWaitMs: 30 * 60_000,
      maxDepth: 10,
      clock,
      triggers: new BuildTriggers({
        store: DatabaseBuildTriggerStore.create({ client: knex }),
        builds,
        automaticBuilds: true,
        defaultScheduleMs: null,
        logger,
      }),
    });
    /** Runs what is queued to its end. */
    const work = async () => {
      await engine.worker.tick();
      await engine.worker.idle();
    };
    return { planner, engine, work, builds };
  }

  beforeAll(async () => {
    [dockerd, registry] = await Promise.all([
      ensureDockerd(),
      startTestRegistry(),
    ]);
    github = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'auto',
          files: {
            'base/Dockerfile': 'FROM scratch\nCOPY os-release /etc/\n',
            'base/os-release': 'NAME=factory-base\n',
            'app/Dockerfile': `FROM ${registry.host}/auto/base:1\nARG GREETING\nCOPY greeting.txt /\n`,
            'app/greeting.txt': 'hello\n',
          },
        },
      ],
    });
    knex = await databases.init('SQLITE_3');
    await migrateDatabase({ getClient: async () => knex });
    const base = imageEntity({
      name: 'base',
      type: 'base',
      registry: registry.host,
      repository: 'auto/base',
      tag: '1',
      platforms: ['linux/amd64'],
      source: {
        repo: 'acme/auto',
        dockerfile: 'base/Dockerfile',
        context: 'base',
      },
    });
    const app = imageEntity({
      name: 'app',
      registry: registry.host,
      repository: 'auto/app',
      tag: '1',
      platforms: ['linux/amd64'],
      source: {
        repo: 'acme/auto',
        dockerfile: 'app/Dockerfile',
        context: 'app',
      },
      buildArgs: { GREETING: 'hello' },
    });
    app.spec.rebuild = { schedule: 'weekly' };
    images = [base, app];
  }, 60_000);

  afterAll(async () => {
    for (const e of engines) await e.worker.stop();
    for (const image of images ?? []) {
      await dockerd.docker
        .getImage(`${image.spec.reference}-linux-amd64`)
        .remove()
        .catch(() => {});
    }
    await github?.stop();
    await registry?.stop();
    await dockerd?.stop();
  }, 60_000);

  afterEach(() => {
    const violations = github.violations();
    if (violations.length > 0) {
      throw new Error(`GitHub API violations: ${JSON.stringify(violations)}`);
    }
  });

  const runs = async (imageName: string) =>
    (
      await DatabaseBuildStore.create({ client: knex }).list({
        imageName,
        limit: 100,
      })
    )
      .reverse()
      .map(r => `${r.cause} ${r.status}`);

  it('builds a new base, then the image built FROM it, each once, even after a restart', async () => {
    // Right after startup the graph may not have read app's Dockerfile: app
    // must not be built before anyone knows it is built FROM base.
    const starting = backend({ appRead: false });
    expect(
      (await starting.planner.runOnce()).map(p => [p.imageName, p.state]),
    ).toEqual([['base', 'queued']]);
    const first = backend();
    const planned = await first.planner.runOnce();
    expect(
      planned.map(p => [p.imageName, p.cause, p.state, p.waitingFor]),
    ).toEqual([
      ['app', 'enrollment', 'waiting-upstream', ['image:default/base']],
      ['base', 'enrollment', 'queued', undefined],
    ]);
    await first.work();
    const baseRun = (
      await first.builds.list({ imageName: 'base', limit: 1 })
    )[0];
    expect([baseRun.status, baseRun.reason]).toEqual(['succeeded', undefined]);
    expect(await runs('base')).toEqual(['enrollment succeeded']);
    expect(await runs('app')).toEqual([]);

    const [queued] = await first.planner.runOnce();
    expect(queued).toMatchObject({ imageName: 'app', state: 'queued' });
    await first.work();
    const app = (await first.builds.lastSucceeded('app'))!;
    const base = (await first.builds.lastSucceeded('base'))!;
    expect(app).toMatchObject({ cause: 'enrollment', status: 'succeeded' });
    // Built FROM the base the factory had just pushed.
    expect(app.startedAt! > base.finishedAt!).toBe(true);
    expect(await first.planner.runOnce()).toEqual([]);

    // Restarted: nothing is built twice.
    const restarted = backend();
    expect(await restarted.planner.runOnce()).toEqual([]);
    await restarted.work();
    expect(await runs('base')).toEqual(['enrollment succeeded']);
    expect(await runs('app')).toEqual(['enrollment succeeded']);
  });

  it('skips a scheduled build when nothing changed, and builds a changed config', async () => {
    const { planner, work } = backend();
    offsetMs = 7 * DAY + 60_000;
    const [scheduled] = await planner.runOnce();
    expect(scheduled).toMatchObject({ imageName: 'app', cause: 'scheduled' });
    await work();
    const [skipped] = await DatabaseBuildStore.create({ client: knex }).list({
      imageName: 'app',
      limit: 1,
    });
    expect(skipped).toMatchObject({
      cause: 'scheduled',
      status: 'skipped',
      reason: expect.stringMatching(/^up to date: inputs unchanged since run /),
    });
    // The base has no schedule.
    expect(await runs('base')).toEqual(['enrollment succeeded']);

    images[1].spec.buildArgs = { GREETING: 'bonjour' };
    const [changed] = await planner.runOnce();
    expect(changed).toMatchObject({
      imageName: 'app',
      cause: 'config-change',
      causeDetail: 'buildArgs.GREETING changed',
    });
    await work();
    expect(await runs('app')).toEqual([
      'enrollment succeeded',
      'scheduled skipped',
      'config-change succeeded',
    ]);
    expect(await planner.runOnce()).toEqual([]);
  });
});
