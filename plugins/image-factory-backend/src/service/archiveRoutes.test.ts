import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { ArchivedImageList } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import {
  DENIED_USER,
  recordingPermissions,
} from '../__testUtils__/recordingPermissions';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(60_000);

const HEADER = ['apiVersion: imagefactory.dev/v1alpha1', 'images:'];
const WEB = [
  '  - name: web',
  '    type: managed',
  '    owner: team-web',
  '    reference: 127.0.0.1:1/apps/web:1',
  '    platforms: [linux/amd64]',
  '    buildArgs: { PORT: "8080" }',
  '    source:',
  '      repo: acme/web',
];
const API = [
  '  - name: api',
  '    type: managed',
  '    owner: team-web',
  '    reference: 127.0.0.1:1/apps/api:1',
  '    platforms: [linux/amd64]',
  '    source:',
  '      repo: acme/web',
];

describe('GET /images/archived', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let github: GitHubTestServer;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        { owner: 'acme', name: 'web', files: { Dockerfile: 'FROM scratch\n' } },
      ],
    });
  });
  afterAll(async () => {
    await github?.stop();
  });

  it('runs on PostgreSQL too when CI is set', () => {
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  it.each(databases.eachSupportedId())(
    'lists an un-enrolled image with its last entry, history and builds, permission-checked, on %p',
    async databaseId => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archive-routes-'));
      const file = path.join(dir, 'images.yaml');
      await fs.writeFile(file, [...HEADER, ...WEB, ...API, ''].join('\n'));
      const asked: Array<{ name: string; resourceRef?: string }> = [];
      const { server, stop } = await startRouteTestBackend({
        knex: await databases.init(databaseId),
        github,
        imagesLocation: file,
        // The real scheduler reads images.yaml again on its schedule.
        features: [recordingPermissions(asked), schedulerServiceFactory],
        imageFactory: {
          images: {
            location: file,
            schedule: {
              frequency: { milliseconds: 200 },
              timeout: { seconds: 30 },
              // Local: a global task waits for the scheduler's next check.
              scope: 'local',
            },
          },
        },
      });
      const get = (user = 'user:default/jane') =>
        request(server)
          .get('/api/image-factory/images/archived')
          .set('Authorization', mockCredentials.user.header(user));
      const waitFor = async (
        check: (list: ArchivedImageList) => boolean,
      ): Promise<ArchivedImageList> => {
        for (let i = 0; i < 200; i++) {
          const res = await get();
          if (res.status === 200 && check(res.body)) return res.body;
          await new Promise(r => setTimeout(r, 50));
        }
        const last = await get();
        throw new Error(
          `the archive never showed what was expected: ${
            last.status
          } ${JSON.stringify(last.body)}`,
        );
      };
      try {
        expect(
          (await request(server).get('/api/image-factory/images/archived'))
            .status,
        ).toBe(401);
        const denied = await get(DENIED_USER);
        expect(denied.status).toBe(403);
        expect(denied.body.error.message).toBe(
          'Not allowed to read the archived images',
        );
        expect(asked).toContainEqual({
          name: 'image-factory.status.read',
          resourceRef: undefined,
        });
        expect(await waitFor(() => true)).toEqual({ items: [] });

        // A build of web, then web leaves images.yaml.
        let queued;
        for (let i = 0; i < 200 && !queued; i++) {
          const res = await request(server)
            .post('/api/image-factory/images/web/builds')
            .set('Authorization', mockCredentials.user.header())
            .send({ reason: 'before un-enrolling' });
          if (res.status === 202) queued = res.body;
          else await new Promise(r => setTimeout(r, 50));
        }
        expect(queued).toBeDefined();
        await fs.writeFile(file, [...HEADER, ...API, ''].join('\n'));

        const list = await waitFor(l => l.items.length === 1);
        const [web] = list.items;
        expect(web).toMatchObject({
          name: 'web',
          entityRef: 'image:default/web',
          type: 'managed',
          reference: '127.0.0.1:1/apps/web:1',
          owner: 'group:default/team-web',
          entity: {
            kind: 'Image',
            metadata: { name: 'web' },
            spec: {
              buildArgs: { PORT: '8080' },
              source: { repo: 'acme/web', dockerfile: 'Dockerfile' },
            },
          },
          builds: [{ id: queued.id, causeDetail: 'before un-enrolling' }],
        });
        expect(web.history.map(h => h.event)).toEqual([
          'enrolled',
          'unenrolled',
        ]);
        expect(web.history[1].at).toBe(web.archivedAt);
      } finally {
        await stop();
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  );
});
