import { TestDatabases } from '@backstage/backend-test-utils';
import path from 'path';
import { DatabaseBuildTriggerStore } from './BuildTriggerStore';
import { migrateDatabase } from './migrateDatabase';

const MIGRATIONS = path.resolve(__dirname, '../../migrations');
const MIGRATION = '20261204150000_build_triggers.js';
const t0 = new Date('2026-12-01T10:00:00Z');
const t1 = new Date('2026-12-01T11:00:00Z');

describe('DatabaseBuildTriggerStore', () => {
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
    return { knex, store: DatabaseBuildTriggerStore.create({ client: knex }) };
  }

  it.each(databases.eachSupportedId())(
    'records a first sight once, and a change only from the config it was read with, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const first = {
        imageName: 'app',
        config: '{"a":1}',
        firstSeenAt: t0,
        updatedAt: t0,
      };
      expect(await store.record(first, { ifConfig: null })).toBe(true);
      // A second backend that saw the same first sight.
      expect(await store.record(first, { ifConfig: null })).toBe(false);

      const changed = { ...first, config: '{"a":2}', updatedAt: t1 };
      expect(await store.record(changed, { ifConfig: '{"a":1}' })).toBe(true);
      expect(await store.record(changed, { ifConfig: '{"a":1}' })).toBe(false);
      expect(await store.list()).toEqual(
        new Map([['app', { ...changed, firstSeenAt: t0 }]]),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates plans kept from before automatic builds, and back, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS });
      await knex.migrate.down({ name: MIGRATION, directory: MIGRATIONS });
      expect(await knex.schema.hasTable('image_build_triggers')).toBe(false);
      await knex('rebuild_plans').insert({
        id: '00000000-0000-4000-8000-000000000001',
        image_name: 'app',
        entity_ref: 'image:default/app',
        cause: 'base-change',
        state: 'waiting-delay',
        open: true,
        reasons: '[]',
        platforms: '["linux/amd64"]',
        eligible_at: t0,
        depth: 1,
        created_at: t0,
        updated_at: t0,
      });

      await knex.migrate.up({ name: MIGRATION, directory: MIGRATIONS });
      expect(await knex.schema.hasTable('image_build_triggers')).toBe(true);
      const plan = await knex('rebuild_plans').first();
      expect(plan).toMatchObject({
        image_name: 'app',
        cause: 'base-change',
        cause_detail: null,
      });

      await knex.migrate.down({ name: MIGRATION, directory: MIGRATIONS });
      expect(await knex.schema.hasTable('image_build_triggers')).toBe(false);
      expect(await knex.schema.hasColumn('rebuild_plans', 'cause_detail')).toBe(
        false,
      );
      expect(Number((await knex('rebuild_plans').count({ n: '*' }))[0].n)).toBe(
        1,
      );
    },
  );
});
