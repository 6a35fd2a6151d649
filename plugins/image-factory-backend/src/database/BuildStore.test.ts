import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseBuildLogStore } from './BuildLogStore';
import { DatabaseBuildStore, NewBuildRun, toBuildRun } from './BuildStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

const T0 = new Date('2026-11-23T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const LEASE_MS = 30_000;

const newRun = (n: number, overrides: Partial<NewBuildRun> = {}) => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  imageName: `app-${n}`,
  entityRef: `image:default/app-${n}`,
  cause: 'manual' as const,
  requestedBy: 'user:default/jane',
  force: false,
  inputs: { platforms: ['linux/amd64', 'linux/s390x'] },
  createdAt: at(n),
  ...overrides,
});

describe('DatabaseBuildStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it('runs against PostgreSQL 15 whenever the test command provides it', () => {
    // TestDatabases silently drops an engine it cannot reach.
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  async function stores(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const database: DatabaseService = { getClient: async () => knex };
    await migrateDatabase(database);
    return {
      store: DatabaseBuildStore.create({ client: knex }),
      logs: DatabaseBuildLogStore.create({ client: knex }),
    };
  }

  it.each(databases.eachSupportedId())(
    'widens a queued run asked for again with other platforms, not a running one, on %p',
    async databaseId => {
      const { store } = await stores(databaseId);
      const amd64 = { inputs: { platforms: ['linux/amd64'] } };
      const s390x = { inputs: { platforms: ['linux/s390x'] } };
      await store.enqueue(newRun(1, amd64));
      const again = await store.enqueue(newRun(1, { ...s390x, id: 'again' }));
      expect(again.created).toBe(false);
      expect(again.run.inputs.platforms).toEqual([
        'linux/amd64',
        'linux/s390x',
      ]);

      await store.enqueue(newRun(2, amd64));
      await store.claim({ owner: 'a', leaseMs: LEASE_MS, now: at(10) });
      await store.claim({ owner: 'a', leaseMs: LEASE_MS, now: at(10) });
      const joined = await store.enqueue(newRun(2, { ...s390x, id: 'late' }));
      expect(joined.run).toMatchObject({
        status: 'running',
        inputs: { platforms: ['linux/amd64'] },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'queues one active run per image, leases it, records platforms and ends it on %p',
    async databaseId => {
      const { store } = await stores(databaseId);
      const first = await store.enqueue(newRun(1));
      expect(first.created).toBe(true);
      expect(toBuildRun(first.run)).toEqual({
        id: newRun(1).id,
        imageName: 'app-1',
        entityRef: 'image:default/app-1',
        cause: 'manual',
        requestedBy: 'user:default/jane',
        status: 'queued',
        inputs: { platforms: ['linux/amd64', 'linux/s390x'] },
        platforms: [
          { platform: 'linux/amd64', status: 'queued' },
          { platform: 'linux/s390x', status: 'queued' },
        ],
        attempts: 0,
        createdAt: at(1).toISOString(),
      });
      // A second request while it is queued gets the same run.
      const again = await store.enqueue(
        newRun(1, { id: '00000000-0000-4000-8000-0000000000aa' }),
      );
      expect(again).toMatchObject({
        created: false,
        run: { id: newRun(1).id },
      });
      await store.enqueue(newRun(2, { cause: 'emergency', createdAt: at(5) }));

      // Emergencies first, then the oldest.
      const claimed = await store.claim({
        owner: 'a',
        leaseMs: LEASE_MS,
        now: at(10),
      });
      expect(claimed).toMatchObject({
        imageName: 'app-2',
        status: 'running',
        attempts: 1,
        leaseOwner: 'a',
        leaseExpiresAt: at(40),
      });
      const second = await store.claim({
        owner: 'b',
        leaseMs: LEASE_MS,
        now: at(10),
      });
      expect(second?.imageName).toBe('app-1');
      expect(
        await store.claim({ owner: 'b', leaseMs: LEASE_MS, now: at(10) }),
      ).toBeUndefined();
      // Still running: a new request joins it.
      expect((await store.enqueue(newRun(1, { id: 'x' }))).created).toBe(false);

      expect(
        await store.renewLease({
          id: second!.id,
          owner: 'b',
          leaseMs: LEASE_MS,
          now: at(20),
        }),
      ).toBe(true);
      expect(
        await store.renewLease({
          id: second!.id,
          owner: 'a',
          leaseMs: LEASE_MS,
          now: at(20),
        }),
      ).toBe(false);
      expect(
        await store.setInputs({
          id: second!.id,
          owner: 'b',
          inputs: {
            platforms: ['linux/amd64', 'linux/s390x'],
            sourceRevision: 'a'.repeat(40),
          },
          inputsHash: `sha256:${'1'.repeat(64)}`,
          reference: 'localhost:5000/apps/app-1:latest',
        }),
      ).toBe(true);
      await store.setPlatform(second!.id, {
        platform: 'linux/s390x',
        status: 'running',
        executor: 'local-docker',
        emulated: true,
      });
      await store.setPlatform(second!.id, {
        platform: 'linux/s390x',
        status: 'succeeded',
        executor: 'local-docker',
        emulated: true,
        digest: `sha256:${'2'.repeat(64)}`,
        buildDurationMs: 1200,
        pushDurationMs: 300,
      });
      expect(
        await store.finish({
          id: second!.id,
          owner: 'a',
          end: { status: 'succeeded' },
          now: at(30),
        }),
      ).toBe(false);
      expect(
        await store.finish({
          id: second!.id,
          owner: 'b',
          end: { status: 'succeeded', indexDigest: `sha256:${'3'.repeat(64)}` },
          now: at(30),
        }),
      ).toBe(true);

      const done = await store.get(second!.id);
      expect(toBuildRun(done!)).toMatchObject({
        status: 'succeeded',
        reference: 'localhost:5000/apps/app-1:latest',
        indexDigest: `sha256:${'3'.repeat(64)}`,
        startedAt: at(10).toISOString(),
        finishedAt: at(30).toISOString(),
        durationMs: 20_000,
        platforms: [
          { platform: 'linux/amd64', status: 'succeeded' },
          {
            platform: 'linux/s390x',
            status: 'succeeded',
            executor: 'local-docker',
            emulated: true,
            digest: `sha256:${'2'.repeat(64)}`,
            buildDurationMs: 1200,
            pushDurationMs: 300,
          },
        ],
      });
      expect(done?.inputsHash).toBe(`sha256:${'1'.repeat(64)}`);
      expect((await store.lastSucceeded('app-1'))?.id).toBe(second!.id);
      expect(await store.lastSucceeded('app-2')).toBeUndefined();
      // Finished: the next request queues a new run.
      expect(
        (await store.enqueue(newRun(1, { id: 'y', createdAt: at(31) })))
          .created,
      ).toBe(true);
      expect(
        (await store.list({ imageName: 'app-1', limit: 10 })).map(r => r.id),
      ).toEqual(['y', second!.id]);
      expect(await store.list({ limit: 1 })).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'queues a run again when its lease expires, then fails it as interrupted, never running it twice at once on %p',
    async databaseId => {
      const { store } = await stores(databaseId);
      const { run } = await store.enqueue(newRun(1));
      const claim = (owner: string, now: Date) =>
        store.claim({ owner, leaseMs: LEASE_MS, now });

      expect((await claim('backend-a', at(10)))?.attempts).toBe(1);
      // While the lease holds, nobody else takes it and nothing is recovered.
      expect(await claim('backend-b', at(20))).toBeUndefined();
      expect(
        await store.recoverExpired({ now: at(39), maxAttempts: 2 }),
      ).toEqual({
        requeued: [],
        failed: [],
        cancelled: [],
      });
      // backend-a stopped: its lease expires and the run is queued again.
      expect(
        await store.recoverExpired({ now: at(41), maxAttempts: 2 }),
      ).toEqual({
        requeued: [run.id],
        failed: [],
        cancelled: [],
      });
      const retaken = await claim('backend-b', at(42));
      expect(retaken).toMatchObject({ attempts: 2, leaseOwner: 'backend-b' });
      // The stale owner can no longer write.
      expect(
        await store.finish({
          id: run.id,
          owner: 'backend-a',
          end: { status: 'succeeded' },
          now: at(43),
        }),
      ).toBe(false);
      // backend-b stops too: with two attempts used it fails.
      expect(
        await store.recoverExpired({ now: at(80), maxAttempts: 2 }),
      ).toEqual({
        requeued: [],
        failed: [run.id],
        cancelled: [],
      });
      expect(toBuildRun((await store.get(run.id))!)).toMatchObject({
        status: 'failed',
        errorType: 'interrupted',
        reason:
          'interrupted: the backend stopped while building; retried 1 times',
        attempts: 2,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'cancels a queued run at once and flags a running one on %p',
    async databaseId => {
      const { store } = await stores(databaseId);
      const queued = (await store.enqueue(newRun(1))).run;
      expect(await store.requestCancel(queued.id, at(5))).toBe('cancelled');
      expect(await store.get(queued.id)).toMatchObject({
        status: 'cancelled',
        errorType: 'cancelled',
        finishedAt: at(5).toISOString(),
        platforms: [
          { platform: 'linux/amd64', status: 'cancelled' },
          { platform: 'linux/s390x', status: 'cancelled' },
        ],
      });
      expect(await store.requestCancel(queued.id, at(6))).toBe('finished');
      expect(await store.requestCancel('nope', at(6))).toBeUndefined();

      const running = (await store.enqueue(newRun(2))).run;
      await store.claim({ owner: 'a', leaseMs: LEASE_MS, now: at(10) });
      expect(await store.cancelRequested('a')).toEqual([]);
      expect(await store.requestCancel(running.id, at(11))).toBe('requested');
      expect(await store.cancelRequested('a')).toEqual([running.id]);
      expect(await store.cancelRequested('b')).toEqual([]);
      // A backend that stops before it could act leaves it cancelled, not queued.
      expect(
        await store.recoverExpired({ now: at(60), maxAttempts: 3 }),
      ).toEqual({
        requeued: [],
        failed: [],
        cancelled: [running.id],
      });

      // A released run goes back to the queue without using an attempt.
      const third = (await store.enqueue(newRun(3))).run;
      await store.claim({ owner: 'a', leaseMs: LEASE_MS, now: at(70) });
      expect(await store.release({ id: third.id, owner: 'a' })).toBe(true);
      expect(await store.get(third.id)).toMatchObject({
        status: 'queued',
        attempts: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'gives each run to one of many backends claiming at once on %p',
    async databaseId => {
      const { store } = await stores(databaseId);
      for (let n = 1; n <= 5; n++) await store.enqueue(newRun(n));
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.claim({
            owner: `backend-${i}`,
            leaseMs: LEASE_MS,
            now: at(10),
          }),
        ),
      );
      const claimed = claims.filter(c => c !== undefined);
      expect(claimed).toHaveLength(5);
      expect(new Set(claimed.map(c => c!.id)).size).toBe(5);
      for (const c of claimed) {
        expect((await store.get(c!.id))?.leaseOwner).toBe(c!.leaseOwner);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps log lines in order on %p',
    async databaseId => {
      const { store, logs } = await stores(databaseId);
      const { run } = await store.enqueue(newRun(1));
      expect(await logs.lastSeq(run.id)).toBe(0);
      await logs.append(
        run.id,
        Array.from({ length: 1200 }, (_, i) => ({
          seq: i + 1,
          stream: i % 2 ? ('build' as const) : ('system' as const),
          ...(i % 2 ? { platform: 'linux/s390x' } : {}),
          time: at(i).toISOString(),
          text: `line ${i + 1}`,
        })),
      );
      expect(await logs.lastSeq(run.id)).toBe(1200);
      const page = await logs.read(run.id, { after: 1000, limit: 3 });
      expect(page).toEqual([
        {
          seq: 1001,
          stream: 'system',
          time: at(1000).toISOString(),
          text: 'line 1001',
        },
        {
          seq: 1002,
          platform: 'linux/s390x',
          stream: 'build',
          time: at(1001).toISOString(),
          text: 'line 1002',
        },
        {
          seq: 1003,
          stream: 'system',
          time: at(1002).toISOString(),
          text: 'line 1003',
        },
      ]);
    },
  );
  it.each(databases.eachSupportedId())(
    'reads the last success, the latest runs, the changes of many images at once and a stamp that moves with them, on %p',
    async databaseId => {
      const { store } = await stores(databaseId);
      const succeed = async (n: number, id: string, seconds: number) => {
        await store.enqueue(newRun(n, { id, createdAt: at(seconds) }));
        const claimed = await store.claim({
          owner: 'w',
          leaseMs: LEASE_MS,
          now: at(seconds),
        });
        expect(claimed?.id).toBe(id);
        await store.finish({
          id,
          owner: 'w',
          now: at(seconds + 5),
          end: { status: 'succeeded', indexDigest: `sha256:${id}` },
        });
      };
      const empty = await store.stamp();
      await succeed(1, 'one-old', 10);
      await succeed(1, 'one-new', 20);
      const two = await store.stamp();
      expect(two).not.toBe(empty);
      expect(await store.stamp()).toBe(two);
      await succeed(2, 'two', 30);
      const three = await store.stamp();
      expect(three).not.toBe(two);
      // A new queued run moves the stamp too; claiming it does not.
      await store.enqueue(newRun(2, { id: 'two-queued', createdAt: at(40) }));
      expect(await store.stamp()).not.toBe(three);

      const last = await store.lastSucceededOf(['app-1', 'app-2', 'app-3']);
      expect([...last.keys()].sort()).toEqual(['app-1', 'app-2']);
      expect(last.get('app-1')).toEqual(await store.lastSucceeded('app-1'));
      expect(last.get('app-2')).toEqual(await store.lastSucceeded('app-2'));

      const latest = await store.latestOf(['app-1', 'app-2'], 1);
      expect(latest.get('app-2')).toEqual(
        await store.list({ imageName: 'app-2', limit: 1 }),
      );
      expect(
        (await store.latestOf(['app-1'], 10)).get('app-1')!.map(r => r.id),
      ).toEqual(['one-new', 'one-old']);

      expect(
        (await store.changedSince(at(26))).map(r => [r.id, r.status]),
      ).toEqual([
        ['two', 'succeeded'],
        ['two-queued', 'queued'],
      ]);
    },
  );
});
