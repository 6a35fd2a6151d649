import {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { startRouteTestBackend } from '../service/__testUtils__/startRouteTestBackend';

/*
 * The plugin as installed, with automatic builds on (the default): the
 * images.yaml watcher and the planner as scheduled tasks, which the test
 * runs when it wants a pass; the queue on a real database. No worker runs,
 * so the test ends each run by cancelling it.
 */

jest.setTimeout(120_000);

const entry = (name: string, greeting: string) => [
  `  - name: ${name}`,
  '    type: managed',
  '    owner: team-web',
  `    reference: 127.0.0.1:1/apps/${name}:1`,
  '    platforms: [linux/amd64]',
  '    source:',
  '      repo: acme/hello',
  '    buildArgs:',
  `      GREETING: ${greeting}`,
];

describe('automatic builds in the plugin', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
  });
  let github: GitHubTestServer;
  let dir: string;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'hello',
          files: { Dockerfile: 'FROM scratch\n' },
        },
      ],
    });
  });
  afterAll(() => github?.stop());
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'automatic-builds-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('runs on Postgres when it is provided, and it is under CI', () => {
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  const writeImages = (...entries: string[][]) =>
    fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        ...entries.flat(),
        '',
      ].join('\n'),
    );

  /** The backend; `pass()` reads images.yaml, then runs one planner pass. */
  const start = async (knex: Awaited<ReturnType<typeof databases.init>>) => {
    // A MockSchedulerService, though its declared type is SchedulerService:
    // installed, it runs a task when the test triggers it.
    const scheduler = mockServices.scheduler() as SchedulerService & {
      factory(): ServiceFactory;
    };
    const backend = await startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      // Automatic builds as configured by default.
      imageFactory: { rebuilds: {} },
      features: [scheduler.factory()],
    });
    const pass = async () => {
      await scheduler.triggerTask('image-factory:images-file');
      await scheduler.triggerTask('image-factory:rebuild-planner');
    };
    return { ...backend, pass };
  };

  const runsOf = async (server: Server, name: string): Promise<BuildRun[]> => {
    const res = await request(server)
      .get(`/api/image-factory/images/${name}/builds`)
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return (res.body.items as BuildRun[]).slice().reverse();
  };

  const cancel = async (server: Server, run: BuildRun) => {
    const res = await request(server)
      .post(`/api/image-factory/builds/${run.id}/cancel`)
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
  };

  it.each(databases.eachSupportedId())(
    'queues an enrollment build on first sight and a config-change build on a change, once each across a restart, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await writeImages(entry('hello', 'hi'));
      let backend = await start(knex);
      try {
        await backend.pass();
        const [first] = await runsOf(backend.server, 'hello');
        expect(first).toMatchObject({
          cause: 'enrollment',
          causeDetail: 'first seen in images.yaml',
          status: 'queued',
        });
        await cancel(backend.server, first);
        await backend.pass();
        expect(await runsOf(backend.server, 'hello')).toHaveLength(1);

        await writeImages(entry('hello', 'bonjour'));
        await backend.pass();
        const [, changed, ...more] = await runsOf(backend.server, 'hello');
        expect(changed).toMatchObject({
          cause: 'config-change',
          causeDetail: 'buildArgs.GREETING changed',
          status: 'queued',
        });
        expect(more).toEqual([]);
        await cancel(backend.server, changed);
      } finally {
        await backend.stop();
      }

      // Restarted over the same database.
      backend = await start(knex);
      try {
        await backend.pass();
        await backend.pass();
        expect(
          (await runsOf(backend.server, 'hello')).map(r => r.cause),
        ).toEqual(['enrollment', 'config-change']);
      } finally {
        await backend.stop();
      }

      // A change made while no backend ran is built once it is back.
      await writeImages(entry('hello', 'hallo'));
      backend = await start(knex);
      try {
        await backend.pass();
        await backend.pass();
        expect(
          (await runsOf(backend.server, 'hello')).map(r => r.cause),
        ).toEqual(['enrollment', 'config-change', 'config-change']);
      } finally {
        await backend.stop();
      }
    },
  );
});
