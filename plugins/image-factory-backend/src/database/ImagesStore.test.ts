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
    'has a stamp that moves with every recorded read and only then, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const empty = await store.stamp();
      expect(await store.stamp()).toBe(empty);

      await store.syncPresent([image('a')], new Date('2026-11-01T10:00:00Z'));
      const first = await store.stamp();
      expect(first).not.toBe(empty);
      expect(await store.stamp()).toBe(first);
      // Another backend records the same images at a later read.
      await store.syncPresent([image('a')], new Date('2026-11-01T10:00:05Z'));
      expect(await store.stamp()).not.toBe(first);
    },
  );

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
    'lists archived images with their last entry and their enrollments and un-enrollments on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const t1 = new Date('2026-11-01T10:00:00Z');
      const t2 = new Date('2026-11-02T10:00:00Z');
      const t3 = new Date('2026-11-03T10:00:00Z');
      const t4 = new Date('2026-11-04T10:00:00Z');
      const entity = (name: string) => ({
        apiVersion: 'imagefactory.dev/v1alpha1' as const,
        kind: 'Image' as const,
        metadata: { name },
        spec: {
          type: 'managed' as const,
          owner: 'group:default/team-web',
          reference: `localhost:5000/apps/${name}`,
          registry: 'localhost:5000',
          repository: `apps/${name}`,
          platforms: ['linux/amd64'],
        },
      });
      const withEntity = (name: string) => ({
        ...image(name),
        entity: entity(name),
      });

      await store.syncPresent([withEntity('a'), withEntity('b')], t1);
      expect(await store.listArchived()).toEqual([]);
      await store.syncPresent([withEntity('a')], t2);
      await store.syncPresent([withEntity('a'), withEntity('b')], t3);
      await store.syncPresent([], t4);

      const archived = await store.listArchived();
      expect(archived.map(a => a.entityRef)).toEqual([
        'image:default/a',
        'image:default/b',
      ]);
      expect(archived[1]).toEqual({
        ...image('b'),
        firstSeenAt: t1,
        lastSeenAt: t3,
        archivedAt: t4,
        entity: entity('b'),
        events: [
          { event: 'enrolled', at: t1 },
          { event: 'unenrolled', at: t2 },
          { event: 're-enrolled', at: t3 },
          { event: 'unenrolled', at: t4 },
        ],
      });
      expect(archived[0].events).toEqual([
        { event: 'enrolled', at: t1 },
        { event: 'unenrolled', at: t4 },
      ]);
      // Nothing changes: no event is recorded twice.
      await store.syncPresent([], new Date('2026-11-05T10:00:00Z'));
      expect((await store.listArchived())[0].events).toHaveLength(2);
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
