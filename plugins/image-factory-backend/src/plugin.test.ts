import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ImageFactoryStatus } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { imageFactoryPlugin } from './plugin';

const EXAMPLES_DIR = path.resolve(__dirname, '../../../examples');
const EXAMPLES = path.join(EXAMPLES_DIR, 'images.yaml');

/** The example Dockerfiles, as the config repository holds them. */
async function exampleSources(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const root = path.join(EXAMPLES_DIR, 'dockerfiles');
  for (const name of await fs.readdir(root)) {
    for (const file of await fs.readdir(path.join(root, name))) {
      files[`dockerfiles/${name}/${file}`] = await fs.readFile(
        path.join(root, name, file),
        'utf8',
      );
    }
  }
  return files;
}

jest.setTimeout(60_000);

describe('imageFactoryPlugin', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let dir: string;
  // The examples' sources (image-factory/examples): a source the factory
  // cannot read would be an issue of its entry.
  let github: GitHubTestServer;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        {
          owner: 'image-factory',
          name: 'examples',
          files: await exampleSources(),
        },
      ],
    });
  });
  afterAll(async () => {
    await github?.stop();
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-factory-plugin-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function startBackend(options: {
    databaseId: Parameters<typeof databases.init>[0];
    imagesText: string;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  }) {
    const location = path.join(dir, 'images.yaml');
    await fs.writeFile(location, options.imagesText);
    const knex = await databases.init(options.databaseId);
    const { server } = await startTestBackend({
      features: [
        imageFactoryPlugin,
        mockServices.database.factory({ knex }),
        // Requests without a token are anonymous, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
        mockServices.rootConfig.factory({
          data: {
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
              images: { location },
              providers: {
                registries: { local: { host: 'localhost:5000' } },
                sources: { github: { host: new URL(github.webUrl).host } },
              },
              // The example images live on registries these tests must not call.
              tracking: { enabled: false },
            },
          },
        }),
      ],
    });
    return { server, knex, location };
  }

  async function statusWhenRead(server: any): Promise<ImageFactoryStatus> {
    for (let i = 0; i < 100; i++) {
      const res = await request(server)
        .get('/api/image-factory/status')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      if (res.body.imagesFile.lastReadAt) return res.body;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error('images.yaml was never read');
  }

  it.each(databases.eachSupportedId())(
    'serves health without a token and status with one, on %p',
    async databaseId => {
      const { server, knex } = await startBackend({
        databaseId,
        imagesText: await fs.readFile(EXAMPLES, 'utf8'),
      });

      const health = await request(server).get('/api/image-factory/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });

      const anonymous = await request(server).get('/api/image-factory/status');
      expect(anonymous.status).toBe(401);

      const status = await statusWhenRead(server);
      expect(status.imagesFile).toMatchObject({
        ok: true,
        imageCount: 6,
        issues: [],
      });
      expect(status.providers.map(p => p.entityRef)).toEqual([
        'provider:default/executor-local-docker',
        'provider:default/registry-local',
        'provider:default/source-github',
      ]);

      // The migrations ran and the images' history was recorded.
      const rows = await knex('images')
        .select('entity_ref')
        .orderBy('entity_ref');
      expect(rows.map(r => r.entity_ref)).toEqual([
        'image:default/busybox-base',
        'image:default/busybox-upstream',
        'image:default/debian-bookworm',
        'image:default/hello-web',
        'image:default/python-builder-upstream',
        'image:default/wheel-builder',
      ]);
    },
  );

  it('reports each bad entry by entry and field, and serves the others', async () => {
    const { server } = await startBackend({
      databaseId: 'SQLITE_3',
      imagesText: [
        'images:',
        '  - name: good',
        '    type: external',
        '    owner: platform-team',
        '    reference: debian:bookworm',
        '  - name: escaping',
        '    type: managed',
        '    owner: platform-team',
        '    reference: localhost:5000/apps/escaping',
        '    source:',
        '      repo: acme/app',
        '      dockerfile: ../../etc/passwd',
        '',
      ].join('\n'),
    });
    const status = await statusWhenRead(server);
    expect(status.imagesFile.ok).toBe(false);
    expect(status.imagesFile.imageCount).toBe(1);
    expect(status.imagesFile.issues).toEqual([
      {
        path: 'images[1].source.dockerfile',
        message: 'must be a relative path inside the repository',
        entry: 'escaping',
        line: 6,
      },
    ]);
  });

  it('refuses the status to a user the permission policy denies', async () => {
    const { server } = await startBackend({
      databaseId: 'SQLITE_3',
      imagesText: 'images: []\n',
      permission: AuthorizeResult.DENY,
    });
    const res = await request(server)
      .get('/api/image-factory/status')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it('runs against PostgreSQL 15 whenever the test command provides it', () => {
    // TestDatabases silently drops an engine it cannot reach; with the
    // connection string set (./scripts/test sets it) that would hide the
    // PostgreSQL half of the suite, so it must fail loudly instead.
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.IMAGE_FACTORY_REQUIRE_POSTGRES).toBe(true);
  });
});
