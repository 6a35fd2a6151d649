import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startRouteTestFixture } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(60_000);

describe('refinery run routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let backend: Awaited<ReturnType<typeof startRouteTestFixture>>;

  beforeAll(async () => {
    backend = await startRouteTestFixture({
      knex: await databases.init('SQLITE_3'),
      images: [],
    });
  });

  afterAll(() => backend?.stop());

  const runs = (query: string) =>
    request(backend.server)
      .get(`/api/image-factory/refinery/runs${query}`)
      .set('Authorization', mockCredentials.user.header('user:default/ada'));

  it('lists no runs before any, for one set or all', async () => {
    for (const query of ['', '?set=web', '?set=web&limit=5']) {
      const res = await runs(query);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [] });
    }
  });

  it.each([
    ['?set=', /^set: must be the name of one wheel set/],
    ['?set=%20', /^set: must be the name of one wheel set/],
    ['?set=a&set=b', /^set: must be the name of one wheel set/],
    ['?limit=0', /^limit: must be a whole number from 1 to 100/],
    ['?limit=many', /^limit: must be a whole number from 1 to 100/],
    ['?status=failed', /^status: unknown parameter/],
  ])('answers %s with a 400 naming the parameter', async (query, message) => {
    const res = await runs(query);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });
});
