import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseExecutorSlotStore, migrateDatabase } from '../database';
import { ClusterSlots } from './ClusterSlots';

jest.setTimeout(60_000);

describe('ClusterSlots', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'keeps an executor to its concurrency across replicas, telling a build why it waits, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex });
      // Two replicas, each with its own slots of one executor of concurrency 2.
      const replica = (owner: string) =>
        new ClusterSlots({
          store: DatabaseExecutorSlotStore.create({ client: knex }),
          executor: 'builder',
          concurrency: 2,
          owner,
        });
      const replicas = [replica('a'), replica('b')];
      let running = 0;
      let most = 0;
      const waits: string[] = [];
      const build = () =>
        new Promise<void>(resolve => {
          running++;
          most = Math.max(most, running);
          setTimeout(() => {
            running--;
            resolve();
          }, 300);
        });
      await Promise.all(
        [0, 1, 2, 3, 4, 5].map(i =>
          replicas[i % 2].use(build, { onWait: why => waits.push(why) }),
        ),
      );
      expect(most).toBe(2);
      expect(waits).toContain(
        'all 2 slots of builder are held by builds of other replicas',
      );

      // A cancelled build stops waiting. Both slots are held before it asks
      // (three builds asking at once may take them in any order).
      let held = 0;
      let bothHeld = () => {};
      const full = new Promise<void>(resolve => {
        bothHeld = resolve;
      });
      const hold = () =>
        new Promise<void>(resolve => {
          held++;
          if (held === 2) bothHeld();
          setTimeout(resolve, 1_500);
        });
      const holding = replicas[0].use(hold);
      const other = replicas[0].use(hold);
      await full;
      const controller = new AbortController();
      const waiting = replicas[1].use(async () => 'built', {
        signal: controller.signal,
      });
      setTimeout(
        () => controller.abort(new Error('cancelled by request')),
        200,
      );
      await expect(waiting).rejects.toThrow('cancelled by request');
      await Promise.all([holding, other]);
    },
  );
});
