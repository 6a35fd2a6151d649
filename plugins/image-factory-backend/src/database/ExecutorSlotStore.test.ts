import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseExecutorSlotStore } from './ExecutorSlotStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

const t0 = new Date('2026-12-07T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('DatabaseExecutorSlotStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function store(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    // Each replica has its own store (and cache of the rows it made).
    return () => DatabaseExecutorSlotStore.create({ client: knex });
  }

  const ask = (
    slots: DatabaseExecutorSlotStore,
    holder: string,
    owner: string,
    now = t0,
  ) =>
    slots.acquire({
      executor: 'builder',
      concurrency: 2,
      holder,
      owner,
      leaseMs: 60_000,
      now,
    });

  it.each(databases.eachSupportedId())(
    'gives out no more slots than the executor has, whoever asks at once, on %p',
    async databaseId => {
      const replica = await store(databaseId);
      const replicas = [replica(), replica(), replica()];
      const held = await Promise.all(
        replicas.flatMap((slots, r) =>
          [0, 1, 2].map(i => ask(slots, `h-${r}-${i}`, `replica-${r}`)),
        ),
      );
      const taken = held.filter(h => h !== undefined);
      expect(taken).toHaveLength(2);
      expect(taken.map(h => h!.slot).sort()).toEqual([0, 1]);

      // A freed slot goes to the next that asks; the holder's token is needed.
      await replicas[2].release({ ...taken[0]!, holder: 'someone-else' });
      expect(await ask(replicas[2], 'late', 'replica-2')).toBeUndefined();
      await replicas[0].release(taken[0]!);
      expect(await ask(replicas[2], 'late', 'replica-2')).toEqual({
        executor: 'builder',
        slot: taken[0]!.slot,
        holder: 'late',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'lets a slot whose backend stopped renewing go once its lease expired, on %p',
    async databaseId => {
      const replica = await store(databaseId);
      const [a, b] = [replica(), replica()];
      const first = (await ask(a, 'a-1', 'replica-a'))!;
      const second = (await ask(a, 'a-2', 'replica-a'))!;
      // The holder of the first keeps renewing; replica-a's other build stopped.
      expect(await a.renew(first, at(120_000))).toBe(true);
      expect(await ask(b, 'b-1', 'replica-b', at(30_000))).toBeUndefined();
      const taken = await ask(b, 'b-1', 'replica-b', at(61_000));
      expect(taken).toEqual({
        executor: 'builder',
        slot: second.slot,
        holder: 'b-1',
      });
      // The stopped build cannot renew or free the slot it lost.
      expect(await a.renew(second, at(200_000))).toBe(false);
      await a.release(second);
      expect(await ask(a, 'a-3', 'replica-a', at(62_000))).toBeUndefined();
    },
  );
});
