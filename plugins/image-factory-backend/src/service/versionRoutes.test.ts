import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { ImageVersionList } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { policyPermissions } from '../__testUtils__/policyPermissions';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { OciRegistryClient } from '../registry';
import { pushImageIndex, PushedImageIndex } from '../versions/__testUtils__';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(90_000);

describe('version routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;
  let github: GitHubTestServer;
  let dir: string;
  let pushed: PushedImageIndex;
  let backend: Awaited<ReturnType<typeof startRouteTestBackend>>;
  const as = (user: string) => mockCredentials.user.header(user);

  beforeAll(async () => {
    registry = await startTestRegistry();
    github = await startGitHubTestServer();
    pushed = await pushImageIndex(
      OciRegistryClient.create(),
      { registry: registry.host, repository: 'apps/web' },
      { tag: '1.0.0' },
    );
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'version-routes-'));
    const entry = (name: string, owner: string) =>
      [
        `  - name: ${name}`,
        '    type: external',
        `    owner: ${owner}`,
        `    reference: ${registry.host}/apps/web:1.0.0`,
        '    platforms: [linux/amd64]',
      ].join('\n');
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        entry('web', 'team-web'),
        '',
      ].join('\n'),
    );
    backend = await startRouteTestBackend({
      knex: await databases.init('SQLITE_3'),
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      // Bob may not read the image: its versions must not leak.
      features: [
        policyPermissions(
          q =>
            !(
              q.user === 'user:default/bob' &&
              q.resourceRef === 'image:default/web'
            ),
        ),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await github?.stop();
    await registry?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, user = 'user:default/alice') =>
    request(backend.server)
      .get(`/api/image-factory${url}`)
      .set('Authorization', as(user));

  it('lists an image’s versions from its registry', async () => {
    const res = await get('/images/web/versions?limit=10&sort=date');
    expect(res.status).toBe(200);
    const body = res.body as ImageVersionList;
    expect(body.items.map(v => [v.digest, v.tags])).toEqual([
      [pushed.digest, ['1.0.0']],
    ]);
    expect(body.source).toMatchObject({
      state: 'fresh',
      registry: registry.host,
      repository: 'apps/web',
    });
    const one = await get(`/images/web/versions/${pushed.digest}`);
    expect(one.status).toBe(200);
    expect(one.body.platforms).toHaveLength(2);
    const compare = await get(
      `/images/web/versions/compare?from=${pushed.digest}&to=${pushed.digest}`,
    );
    expect(compare.status).toBe(200);
    expect(compare.body.summary).toBe(
      'same platforms, bases, source and build args',
    );
  });

  it.each([
    ['limit=0', /^Invalid query: limit: must be from 1 to 100/],
    ['limit=abc', /limit: /],
    ['sort=size', /sort: must be 'semver' or 'date'/],
    ['hideMachineTags=yes', /hideMachineTags: must be 'true' or 'false'/],
    ['cursor=not-ours', /^cursor: /],
    ['color=red', /color/],
    [`q=${'x'.repeat(129)}`, /q: must be at most 128 characters/],
  ])('rejects ?%s with a 400 naming the field', async (query, message) => {
    const res = await get(`/images/web/versions?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('rejects bad digests naming the field', async () => {
    const bad = await get('/images/web/versions/sha256:nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^digest: /);
    const noFrom = await get(
      `/images/web/versions/compare?to=${pushed.digest}`,
    );
    expect(noFrom.status).toBe(400);
    expect(noFrom.body.error.message).toMatch(/^from: /);
  });

  it('answers 404 for an unknown image, and for one the caller may not read', async () => {
    expect((await get('/images/nope/versions')).status).toBe(404);
    const hidden = await get('/images/web/versions', 'user:default/bob');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe("No image named 'web'");
    expect(
      (await get(`/images/web/versions/${pushed.digest}`, 'user:default/bob'))
        .status,
    ).toBe(404);
  });

  it('needs a caller', async () => {
    const res = await request(backend.server).get(
      '/api/image-factory/images/web/versions',
    );
    expect(res.status).toBe(401);
  });
});
