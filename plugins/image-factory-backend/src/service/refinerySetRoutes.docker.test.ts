import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { startSdistIndex } from '../refinery/__testUtils__/startSdistIndex';
import { AMD64_BUILDER } from '../refinery/__testUtils__/wheelBuilder';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(300_000);

describe('refinery set routes (real builder, a local upstream index)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let github: GitHubTestServer;
  let index: Awaited<ReturnType<typeof startSdistIndex>>;
  let dir: string;
  let backend: Awaited<ReturnType<typeof startRouteTestBackend>>;
  const user = mockCredentials.user.header('user:default/jane');

  beforeAll(async () => {
    github = await startGitHubTestServer();
    index = await startSdistIndex(['MarkupSafe-2.1.2.tar.gz']);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refinery-sets-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      'apiVersion: imagefactory.dev/v1alpha1\nimages: []\n',
    );
    await fs.writeFile(
      path.join(dir, 'wheels.yaml'),
      `apiVersion: imagefactory.dev/v1alpha1
wheelSets:
  - name: web
    owner: team-web
    requirements: [MarkupSafe>=2.1]
    targets: [{ python: cp311, platforms: [linux/amd64] }]
    builder: wheel-builder
    upstream: ${index.url}
  - name: broken
    owner: team-web
    requirements: ['MarkupSafe>>2']
    targets: [{ python: cp311, platforms: [linux/amd64] }]
    builder: wheel-builder
`,
    );
    backend = await startRouteTestBackend({
      knex: await databases.init('SQLITE_3'),
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      imageFactory: {
        refinery: {
          store: { directory: path.join(dir, 'store') },
          wheels: { location: path.join(dir, 'wheels.yaml') },
          builders: [{ platform: 'linux/amd64', image: AMD64_BUILDER }],
        },
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await github?.stop();
    await index?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists the valid sets and names what is wrong with the others', async () => {
    const res = await request(backend.server)
      .get('/api/image-factory/refinery/sets')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.sets.map((s: { name: string }) => s.name)).toEqual(['web']);
    expect(res.body.issues).toEqual([
      expect.objectContaining({
        entry: 'broken',
        text: "wheelSets[1].requirements[0] (line 9): 'MarkupSafe>>2': '>>2' is not a version specifier such as '>=1.2' or '==2.1.*'",
      }),
    ]);
    const anonymous = await request(backend.server).get(
      '/api/image-factory/refinery/sets',
    );
    expect(anonymous.status).toBe(401);
  });

  it("plans a set with pip's resolver in the builder, building nothing", async () => {
    const res = await request(backend.server)
      .post('/api/image-factory/refinery/sets/web/plan')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      set: 'web',
      targets: [
        {
          python: 'cp311',
          platform: 'linux/amd64',
          // No image of images.yaml is named wheel-builder here: the configured one.
          builder: AMD64_BUILDER,
          items: [
            {
              project: 'markupsafe',
              version: '2.1.2',
              action: 'build',
              buildAfter: [],
            },
          ],
          rounds: [['markupsafe']],
          results: [],
        },
      ],
    });
    // pip read the sdist's metadata, but nothing was built or published.
    const page = await request(backend.server)
      .get('/api/image-factory/refinery/simple/markupsafe/')
      .set('Authorization', user);
    expect(page.status).toBe(404);
  });

  it('answers 404 naming an unknown set, or what is wrong with an invalid one', async () => {
    const unknown = await request(backend.server)
      .post('/api/image-factory/refinery/sets/nope/plan')
      .set('Authorization', user);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      `No wheel set named 'nope' in ${path.join(dir, 'wheels.yaml')}`,
    );
    const broken = await request(backend.server)
      .post('/api/image-factory/refinery/sets/broken/plan')
      .set('Authorization', user);
    expect(broken.status).toBe(404);
    expect(broken.body.error.message).toMatch(
      /^Wheel set 'broken' is not valid: wheelSets\[1\]\.requirements\[0\]/,
    );
  });
});
