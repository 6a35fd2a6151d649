import { TestDatabases } from '@backstage/backend-test-utils';
import path from 'path';
import { migrateDatabase } from './migrateDatabase';
import { UpdateRequestStore } from './UpdateRequestStore';

const MIGRATIONS = path.resolve(__dirname, '../../migrations');
const MIGRATION = '20261205090000_stage_update_requests.js';
const t0 = new Date('2026-12-05T09:00:00Z');
const t1 = new Date('2026-12-05T10:00:00Z');
const t2 = new Date('2026-12-05T11:00:00Z');
const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

describe('UpdateRequestStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
  });

  it('runs on Postgres when it is provided, and it is under CI', () => {
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    return { knex, store: UpdateRequestStore.create({ client: knex }) };
  }

  const key = {
    imageName: 'web-api',
    stage: 'prod',
    repository: 'acme/deploy',
  };
  const opened = {
    ...key,
    digest: digestA,
    branch: 'image-factory/web-api/prod',
    number: 3,
    url: 'https://github.example/acme/deploy/pull/3',
    state: 'open' as const,
  };

  it.each(databases.eachSupportedId())(
    'keeps one row per image, stage and repository, updated in place, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      expect(await store.upsert(opened, t0)).toEqual({
        ...opened,
        createdAt: t0,
        updatedAt: t0,
      });
      await store.upsert(
        { ...opened, repository: 'acme/chart', number: 1 },
        t0,
      );
      await store.upsert({ ...opened, stage: 'staging', number: 2 }, t0);

      // A newer digest on the same pull request.
      await store.upsert({ ...opened, digest: digestB }, t1);
      // A failed attempt keeps the link to the pull request still open.
      const failed = await store.upsert(
        {
          ...key,
          digest: digestB,
          branch: opened.branch,
          state: 'failed',
          error: 'updates[0].file: k.yaml in acme/deploy does not reference x',
        },
        t2,
      );
      expect(failed).toEqual({
        ...opened,
        digest: digestB,
        state: 'failed',
        error: 'updates[0].file: k.yaml in acme/deploy does not reference x',
        createdAt: t0,
        updatedAt: t2,
      });
      // And a success clears the error.
      const reopened = await store.upsert({ ...opened, digest: digestB }, t2);
      expect(reopened.error).toBeUndefined();

      expect(
        (await store.list('web-api')).map(r => [
          r.stage,
          r.repository,
          r.number,
        ]),
      ).toEqual([
        ['prod', 'acme/chart', 1],
        ['prod', 'acme/deploy', 3],
        ['staging', 'acme/deploy', 2],
      ]);
      expect(
        (await store.list('web-api', 'staging')).map(r => r.number),
      ).toEqual([2]);
      expect(await store.list('other')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists open pull requests and settles only the one GitHub reported on, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.upsert(opened, t0);
      await store.upsert(
        { ...opened, repository: 'acme/chart', number: 1 },
        t0,
      );
      await store.upsert(
        {
          ...key,
          repository: 'acme/tools',
          digest: digestA,
          branch: opened.branch,
          state: 'failed',
          error: 'no',
        },
        t0,
      );
      expect((await store.listOpen()).map(r => r.repository)).toEqual([
        'acme/chart',
        'acme/deploy',
      ]);

      // A pull request replaced meanwhile is not the row's any more.
      expect(await store.setState({ ...key, number: 2 }, 'closed', t1)).toBe(
        false,
      );
      expect(await store.setState({ ...key, number: 3 }, 'merged', t1)).toBe(
        true,
      );
      expect((await store.list('web-api', 'prod'))[1]).toMatchObject({
        repository: 'acme/deploy',
        state: 'merged',
        updatedAt: t1,
      });
      expect((await store.listOpen()).map(r => r.repository)).toEqual([
        'acme/chart',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates down and up again, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS });
      expect(await knex.schema.hasTable('stage_update_requests')).toBe(true);
      await knex.migrate.down({ name: MIGRATION, directory: MIGRATIONS });
      expect(await knex.schema.hasTable('stage_update_requests')).toBe(false);
      await knex.migrate.up({ name: MIGRATION, directory: MIGRATIONS });
      expect(await knex.schema.hasTable('stage_update_requests')).toBe(true);
    },
  );
});
