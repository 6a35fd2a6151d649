import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DatabaseRegistryBudgetStore,
  migrateDatabase,
  RegistryBudgetStore,
  WatchedReference,
} from '../database';
import { RegistryBudgets } from './RegistryBudgets';

jest.setTimeout(60_000);

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const t0 = new Date('2026-11-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('RegistryBudgets', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const stores: Array<
    [string, () => Promise<RegistryBudgetStore | undefined>]
  > = [
    ['in memory', async () => undefined],
    ...databases.eachSupportedId().map(
      ([id]) =>
        [
          `in ${id}`,
          async () => {
            const knex = await databases.init(id);
            await migrateDatabase({ getClient: async () => knex });
            return DatabaseRegistryBudgetStore.create({ client: knex });
          },
        ] as [string, () => Promise<RegistryBudgetStore>],
    ),
  ];

  const watched = (reference: string, registry: string, next: Date) =>
    ({ reference, registry, nextCheckAt: next } as WatchedReference);

  it.each(stores)(
    'limits configured hosts only, counts what was sent per hour and day, and reports every host (%s)',
    async (_name, makeStore) => {
      const budgets = RegistryBudgets.create({
        store: await makeStore(),
        registries: [
          { host: 'docker.io', requestsPerHour: 2, burst: 2 },
          { host: 'ghcr.io', intervalMs: 6 * HOUR },
        ],
        now: t0,
      });
      expect(await budgets.take('docker.io', t0)).toBe(true);
      expect(await budgets.take('docker.io', at(MINUTE))).toBe(true);
      // One token every 30 minutes; a thirtieth of one came back in the first minute.
      expect(await budgets.take('docker.io', at(MINUTE))).toEqual(
        at(30 * MINUTE),
      );
      for (let i = 0; i < 10; i++) {
        expect(await budgets.take('ghcr.io', at(80 * MINUTE))).toBe(true);
      }
      await budgets.recordReported(
        'docker.io',
        { limit: 100, remaining: 76, windowMs: 21_600_000 },
        at(MINUTE),
      );
      await budgets.recordPostponed('docker.io', at(30 * MINUTE), 'budget');
      await budgets.recordError(
        'quay.io',
        'RegistryUnavailableError: down',
        t0,
      );

      // While it waits, the host says until when, why, and when a token comes.
      const empty = (await budgets.snapshot(at(MINUTE), [], 24 * HOUR))
        .items[0];
      expect(empty).toMatchObject({
        tokensLeft: 0,
        nextTokenAt: at(30 * MINUTE).toISOString(),
        postponedUntil: at(30 * MINUTE).toISOString(),
        postponedReason: 'budget',
        requestsLastHour: 2,
      });

      expect(budgets.intervalFor('ghcr.io', 24 * HOUR)).toBe(6 * HOUR);
      expect(budgets.intervalFor('docker.io', 24 * HOUR)).toBe(24 * HOUR);

      const now = at(90 * MINUTE);
      const { items: snapshot } = await budgets.snapshot(
        now,
        [
          watched('docker.io/library/debian:12', 'docker.io', at(31 * MINUTE)),
          watched('docker.io/library/node:22', 'docker.io', at(HOUR)),
          watched('registry.k8s.io/pause:3', 'registry.k8s.io', at(HOUR)),
        ],
        24 * HOUR,
      );
      expect(snapshot).toEqual([
        {
          host: 'docker.io',
          requestsPerHour: 2,
          burst: 2,
          tokensLeft: 2,
          intervalMs: 24 * HOUR,
          // Both requests were sent in the first minute, which is more than an hour ago.
          requestsLastHour: 0,
          requestsLastDay: 2,
          reported: {
            limit: 100,
            remaining: 76,
            windowSeconds: 21600,
            reportedAt: at(MINUTE).toISOString(),
          },
          watchedReferences: 2,
          nextCheckAt: at(31 * MINUTE).toISOString(),
        },
        {
          host: 'ghcr.io',
          intervalMs: 6 * HOUR,
          requestsLastHour: 10,
          requestsLastDay: 10,
          watchedReferences: 0,
        },
        {
          host: 'quay.io',
          intervalMs: 24 * HOUR,
          requestsLastHour: 0,
          requestsLastDay: 0,
          watchedReferences: 0,
          lastError: 'RegistryUnavailableError: down',
          lastErrorAt: t0.toISOString(),
        },
        {
          host: 'registry.k8s.io',
          intervalMs: 24 * HOUR,
          requestsLastHour: 0,
          requestsLastDay: 0,
          watchedReferences: 1,
          nextCheckAt: at(HOUR).toISOString(),
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'is one budget for every backend on the database, kept across restarts (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex });
      const registries = [{ host: 'docker.io', requestsPerHour: 6, burst: 10 }];
      // Three replicas: each its own budgets and store, as three backends have.
      const replica = () =>
        RegistryBudgets.create({
          registries,
          store: DatabaseRegistryBudgetStore.create({ client: knex }),
        });
      const replicas = [replica(), replica(), replica()];
      const takes = await Promise.all(
        replicas.flatMap(budgets =>
          Array.from({ length: 8 }, () => budgets.take('docker.io', t0)),
        ),
      );
      // Ten tokens in the bucket: ten of the 24 requests go, whoever sends them.
      expect(takes.filter(t => t === true)).toHaveLength(10);
      expect(takes.filter(t => t !== true)).toEqual(
        Array(14).fill(at(10 * MINUTE)),
      );
      // The Versions view may not spend the lower half, kept for digest checks.
      expect(
        await replicas[1].takeSurplus('docker.io', at(30 * MINUTE)),
      ).toEqual(at(60 * MINUTE));

      // A restart (new budgets, new store) starts from what was spent, not full.
      const restarted = replica();
      expect(await restarted.take('docker.io', at(5 * MINUTE))).toEqual(
        at(10 * MINUTE),
      );
      const { items, countingSince } = await restarted.snapshot(
        at(20 * MINUTE),
        [],
        24 * HOUR,
      );
      expect(countingSince).toEqual(t0);
      expect(items).toEqual([
        expect.objectContaining({
          host: 'docker.io',
          tokensLeft: 2,
          requestsLastHour: 10,
          requestsLastDay: 10,
        }),
      ]);
    },
  );
});
