import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { policyPermissions } from '../__testUtils__/policyPermissions';
import { startRouteTestFixture } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(60_000);

const digest = `sha256:${'a'.repeat(64)}`;

describe('stage routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let backend: Awaited<ReturnType<typeof startRouteTestFixture>>;
  const as = (user: string) => mockCredentials.user.header(user);

  beforeAll(async () => {
    backend = await startRouteTestFixture({
      knex: await databases.init('SQLITE_3'),
      images: [
        '  - name: web',
        '    type: external',
        '    owner: team-web',
        '    reference: 127.0.0.1:9/apps/web:1',
        '    platforms: [linux/amd64]',
        '    stages: [dev, staging, prod]',
      ],
      // Bob may read the image but not move its stages, Dave not approve;
      // Carol may not read it.
      features: [
        policyPermissions(
          q =>
            !(
              (q.user === 'user:default/bob' &&
                q.permission === 'image-factory.stage.promote') ||
              (q.user === 'user:default/dave' &&
                q.permission === 'image-factory.stage.approve') ||
              q.user === 'user:default/carol'
            ),
        ),
      ],
    });
  });

  afterAll(() => backend?.stop());

  const post = (url: string, body: unknown, user = 'user:default/alice') =>
    request(backend.server)
      .post(`/api/image-factory${url}`)
      .set('Authorization', as(user))
      .send(body as object);

  it('lists the stages in their order, empty before any promotion', async () => {
    const res = await request(backend.server)
      .get('/api/image-factory/images/web/stages')
      .set('Authorization', as('user:default/alice'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      stages: [
        { name: 'dev', tag: 'dev', promotion: 'auto' },
        { name: 'staging', tag: 'staging', promotion: 'manual' },
        { name: 'prod', tag: 'prod', promotion: 'manual' },
      ],
      moves: [],
      verifications: [],
      updateRequests: [],
    });
  });

  it.each([
    [{}, /digest: /],
    [{ digest: 'latest' }, /digest: must be a digest/],
    [
      { digest, reason: 'x'.repeat(501) },
      /reason: must be at most 500 characters/,
    ],
    [{ digest, force: true }, /force/],
  ])(
    'rejects the body %j with a 400 naming the field',
    async (body, message) => {
      const res = await post('/images/web/stages/dev/promotions', body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    },
  );

  it('names an unknown stage, and a version the factory did not build', async () => {
    const unknown = await post('/images/web/stages/qa/promotions', { digest });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^stage: web has no stage 'qa'/);
    const notBuilt = await post('/images/web/stages/dev/promotions', {
      digest,
    });
    expect(notBuilt.status).toBe(400);
    expect(notBuilt.body.error.message).toMatch(
      /^digest: .* is no version the factory built/,
    );
    const rollback = await post('/images/web/stages/dev/rollback', {});
    expect(rollback.status).toBe(409);
  });

  it('needs image-factory.stage.promote on the Image, and hides images the caller may not read', async () => {
    const denied = await post(
      '/images/web/stages/dev/promotions',
      { digest },
      'user:default/bob',
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/image-factory\.stage\.promote/);
    const hidden = await post(
      '/images/web/stages/dev/promotions',
      { digest },
      'user:default/carol',
    );
    expect(hidden.status).toBe(404);
    const unknown = await post('/images/nope/stages/dev/promotions', {
      digest,
    });
    expect(unknown.status).toBe(404);
  });

  it('asks image-factory.stage.approve on the stage before an approval, and names what is wrong', async () => {
    const move = 'f0f0f0f0-0000-4000-8000-000000000001';
    const denied = await post(
      `/images/web/stages/prod/moves/${move}/approve`,
      {},
      'user:default/dave',
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(
      /image-factory\.stage\.approve on image:default\/web\/prod/,
    );
    const missing = await post(`/images/web/stages/prod/moves/${move}/reject`, {
      reason: 'no',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/No move .* of web into prod/);
    const badBody = await post(
      `/images/web/stages/prod/moves/${move}/approve`,
      {
        reason: 7,
      },
    );
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.message).toMatch(/reason: must be a string/);
    const badStage = await post(
      `/images/web/stages/qa/moves/${move}/approve`,
      {},
    );
    expect(badStage.status).toBe(400);
    expect(badStage.body.error.message).toMatch(
      /^stage: web has no stage 'qa'/,
    );
  });

  it('lists every image with stages on the factory-wide overview, by owner, hiding what the caller may not read, with a 304 for a reader that has it', async () => {
    const get = (query: string, user = 'user:default/alice') =>
      request(backend.server)
        .get(`/api/image-factory/lifecycle${query}`)
        .set('Authorization', as(user));
    const all = await get('');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      staleAfter: '7d',
      items: [
        {
          imageName: 'web',
          entityRef: 'image:default/web',
          owner: 'group:default/team-web',
          stages: [
            { name: 'dev', tag: 'dev' },
            { name: 'staging', tag: 'staging' },
            { name: 'prod', tag: 'prod' },
          ],
        },
      ],
    });
    expect(
      (await get('?owner=group:default/team-web')).body.items,
    ).toHaveLength(1);
    expect((await get('?owner=team-web')).body.items).toHaveLength(1);
    expect((await get('?owner=group:default/other')).body.items).toEqual([]);
    expect((await get('', 'user:default/carol')).body.items).toEqual([]);
    for (const owner of ['group:default/', '', '%20', 'team%20web', 'a:b:c']) {
      const bad = await get(`?owner=${owner}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^owner: /);
    }
    // A reader with the current overview gets a 304; each view has its own.
    expect(all.headers.etag).toMatch(/^W\/"lifecycle-/);
    const again = await request(backend.server)
      .get('/api/image-factory/lifecycle')
      .set('Authorization', as('user:default/alice'))
      .set('If-None-Match', all.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const views = await Promise.all([
      get('?owner=group:default/other'),
      get('', 'user:default/carol'),
    ]);
    expect(views.map(v => v.headers.etag)).not.toContain(all.headers.etag);
    const unknown = await get('?sort=lag');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^sort: unknown parameter/);
  });
});
