import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { DatabaseImagesStore } from './ImagesStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

const image = (name: string, type = 'managed') => ({
  entityRef: `image:default/${name}`,
  type,
  reference: `localhost:5000/apps/${name}`,
  owner: 'group:default/team-web',
});

describe('DatabaseImagesStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex: Knex = await databases.init(databaseId);
    const database: DatabaseService = { getClient: async () => knex };
    await migrateDatabase(database);
    return { knex, store: DatabaseImagesStore.create({ client: knex }) };
  }

  it.each(databases.eachSupportedId())(
    'keeps history across removal, return and type change on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const t1 = new Date('2026-11-01T10:00:00Z');
      const t2 = new Date('2026-11-02T10:00:00Z');
      const t3 = new Date('2026-11-03T10:00:00Z');

      await store.syncPresent([image('a'), image('b')], t1);
      await store.syncPresent([image('a', 'base')], t2);
      let records = await store.list();
      expect(records).toEqual([
        {
          ...image('a', 'base'),
          firstSeenAt: t1,
          lastSeenAt: t2,
        },
        { ...image('b'), firstSeenAt: t1, lastSeenAt: t1, archivedAt: t2 },
      ]);

      // b returns: un-archived, and its first-seen time is kept.
      await store.syncPresent([image('a', 'base'), image('b')], t3);
      records = await store.list();
      expect(records[1]).toEqual({
        ...image('b'),
        firstSeenAt: t1,
        lastSeenAt: t3,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'records thousands of images in one sync on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const many = Array.from({ length: 2500 }, (_, i) => image(`img-${i}`));
      await store.syncPresent(many, new Date('2026-11-01T10:00:00Z'));
      expect(await store.list()).toHaveLength(2500);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates down and up again on %p',
    async databaseId => {
      const { knex } = await createStore(databaseId);
      await knex.migrate.down({
        name: '20261123000000_init.js',
        directory: require('path').resolve(__dirname, '../../migrations'),
      });
      expect(await knex.schema.hasTable('images')).toBe(false);
      await knex.migrate.latest({
        directory: require('path').resolve(__dirname, '../../migrations'),
      });
      expect(await knex.schema.hasTable('images')).toBe(true);
    },
  );
});
