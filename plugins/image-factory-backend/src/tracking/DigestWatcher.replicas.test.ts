import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import {
  DatabaseDigestStore,
  DatabaseRegistryBudgetStore,
  migrateDatabase,
} from '../database';
import { OciRegistryClient } from '../registry';
import { pushPlatformManifest } from './__testUtils__/pushImages';
import {
  RateLimitingProxy,
  startRateLimitingProxy,
} from './__testUtils__/startRateLimitingProxy';
import { DigestWatcher } from './DigestWatcher';
import { RegistryBudgets } from './RegistryBudgets';
import { createSeededRandom } from './seededRandom';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const t0 = new Date('2026-11-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const amd64 = { os: 'linux', architecture: 'amd64' };

/**
 * Replicas of the backend: each its own connection pool, budgets and
 * watcher on one database, asking one registry through a proxy that
 * refuses (429) what goes past the registry's own allowance.
 */
describe('DigestWatcher on several replicas', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let registry: TestRegistry;
  let proxy: RateLimitingProxy;
  const pools: Knex[] = [];

  beforeAll(async () => {
    registry = await startTestRegistry();
    proxy = await startRateLimitingProxy(registry.host);
  }, 30_000);
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });
  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.destroy();
    proxy.requests.length = 0;
    proxy.refused.length = 0;
    proxy.allowance = undefined;
  });

  it.each(databases.eachSupportedId())(
    'spend one budget per registry host whatever their number, and keep it across restarts (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex });
      // An in-memory SQLite database exists once per connection: there the
      // replicas share the test's; on PostgreSQL each has its own pool.
      const connect = () => {
        if (databaseId === 'SQLITE_3') return knex;
        const pool = knexFactory(knex.client.config);
        pools.push(pool);
        return pool;
      };
      const repo = { registry: registry.host, repository: 'replicas/base' };
      const tags = Array.from({ length: 12 }, (_, i) => String(i));
      for (const tag of tags) {
        await pushPlatformManifest(
          OciRegistryClient.create(),
          repo,
          amd64,
          `r-${tag}`,
          tag,
        );
      }
      const refs = tags.map(tag => `${proxy.host}/replicas/base:${tag}`);
      const clock = { now: t0 };
      const budget = { host: proxy.host, requestsPerHour: 4, burst: 4 };
      const replica = (registries = [budget]) => {
        const client = connect();
        return DigestWatcher.create({
          store: DatabaseDigestStore.create({ client }),
          registry: OciRegistryClient.create({ clock: () => clock.now }),
          logger: mockServices.logger.mock(),
          clock: () => clock.now,
          random: createSeededRandom(7),
          budgets: RegistryBudgets.create({
            registries,
            store: DatabaseRegistryBudgetStore.create({ client }),
          }),
        });
      };

      // Discovered once without a budget, so later checks are HEADs only.
      const first = replica([]);
      await first.setWatched(refs);
      expect((await first.runDue()).discovered).toHaveLength(12);
      proxy.requests.length = 0;

      // Every reference due again; three replicas check at the same time
      // (as if each one's scheduler ran the task), the registry allows 8.
      proxy.allowance = 8;
      clock.now = at(1.2 * DAY);
      const replicas = [replica(), replica(), replica()];
      const passes = await Promise.all(replicas.map(r => r.runDue()));
      expect(passes.flatMap(p => p.errors)).toEqual([]);
      expect(passes.flatMap(p => p.checked)).toHaveLength(4);
      expect(proxy.requests).toHaveLength(4);

      // An hour later the bucket holds 4 again: 4 more, whoever asks.
      clock.now = at(1.2 * DAY + HOUR);
      const later = await Promise.all(replicas.map(r => r.runDue()));
      expect(later.flatMap(p => p.checked)).toHaveLength(4);
      expect(proxy.requests).toHaveLength(8);

      // Restarted replicas do not start with full buckets.
      const restarted = [replica(), replica(), replica()];
      const again = await Promise.all(restarted.map(r => r.runDue()));
      expect(again.flatMap(p => p.checked)).toEqual([]);
      expect(proxy.requests).toHaveLength(8);
      expect(proxy.refused).toEqual([]);
      expect(proxy.requests.every(r => r.startsWith('HEAD'))).toBe(true);

      // Each replica shows the same budget, with what all of them sent.
      const shown = await Promise.all(
        [...replicas, ...restarted].map(async r =>
          (await r.registryBudgets()).items.find(b => b.host === proxy.host),
        ),
      );
      for (const b of shown) {
        expect(b).toMatchObject({
          tokensLeft: 0,
          // The discovery was more than a day ago.
          requestsLastDay: 8,
          requestsLastHour: 4,
          watchedReferences: 12,
        });
      }
    },
  );
});
