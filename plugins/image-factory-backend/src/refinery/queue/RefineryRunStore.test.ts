import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { WheelSet } from '@image-factory/plugin-image-factory-common';
import { migrateDatabase } from '../../database';
import {
  INTERRUPTED,
  NewRefineryJob,
  RefineryRunStore,
} from './RefineryRunStore';

jest.setTimeout(60_000);

const t0 = new Date('2026-12-06T09:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const id = (n: number) =>
  `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const LEASE = 60_000;

const set: WheelSet = {
  name: 'science',
  owner: 'group:default/data',
  requirements: ['markupsafe==2.1.2', 'cffi==1.15.1'],
  targets: [{ python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] }],
  upstream: 'http://127.0.0.1:1/simple/',
  timeout: '30m',
} as WheelSet;

const job = (
  n: number,
  project: string,
  round: number,
  platform = 'linux/amd64',
): NewRefineryJob => ({
  id: id(n),
  python: 'cp311',
  platform,
  project,
  version: '1.0',
  round,
  sdistUrl: `http://127.0.0.1:1/files/${project}-1.0.tar.gz`,
  sdistSha256: 'a'.repeat(64),
});

const plan = [
  {
    python: 'cp311',
    platform: 'linux/amd64',
    items: [
      {
        project: 'pycparser',
        version: '1.0',
        action: 'build' as const,
        buildAfter: [],
      },
      {
        project: 'cffi',
        version: '1.0',
        action: 'build' as const,
        buildAfter: ['pycparser'],
      },
    ],
    rounds: [['pycparser'], ['cffi']],
  },
];

describe('RefineryRunStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it('runs on Postgres when it is provided, and it is under CI', () => {
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  async function storeOn(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const database: DatabaseService = { getClient: async () => knex };
    await migrateDatabase(database);
    return RefineryRunStore.create({ client: knex });
  }

  async function plannedRun(store: RefineryRunStore, jobs: NewRefineryJob[]) {
    await store.createRun({ id: id(1), wheelSet: set, now: at(0) });
    expect(
      await store.runLeases.claim({ owner: 'a', leaseMs: LEASE, now: at(1) }),
    ).toBe(id(1));
    expect(
      await store.planned({ id: id(1), owner: 'a', plan, jobs, now: at(2) }),
    ).toBe(true);
  }

  const finish = (
    store: RefineryRunStore,
    jobId: string,
    owner: string,
    now: Date,
    failed = false,
  ) =>
    store.finishJob({
      id: jobId,
      owner,
      end: failed
        ? {
            status: 'failed',
            cause: 'missing-header',
            error: 'fatal error: ffi.h',
            tries: [],
            files: [],
          }
        : { status: 'built', emulated: false, tries: [], files: ['x.whl'] },
      now,
    });

  it.each(databases.eachSupportedId())(
    'builds round after round per target and ends the run when every build has, on %p',
    async databaseId => {
      const store = await storeOn(databaseId);
      await plannedRun(store, [job(10, 'pycparser', 0), job(11, 'cffi', 1)]);
      expect((await store.getRun(id(1)))?.status).toBe('building');
      expect(await store.queueState()).toEqual({
        queued: 1,
        running: 0,
        waiting: 1,
        planning: 0,
      });

      // Only the first round is claimable.
      const first = await store.jobLeases.claim({
        owner: 'a',
        leaseMs: LEASE,
        now: at(3),
      });
      expect(first).toBe(id(10));
      expect(
        await store.jobLeases.claim({ owner: 'b', leaseMs: LEASE, now: at(3) }),
      ).toBeUndefined();
      // Another owner cannot end it.
      expect(await finish(store, id(10), 'b', at(4))).toBe(false);
      expect(await finish(store, id(10), 'a', at(4))).toBe(true);

      expect((await store.getJob(id(11)))?.status).toBe('queued');
      expect(
        await store.jobLeases.claim({ owner: 'b', leaseMs: LEASE, now: at(5) }),
      ).toBe(id(11));
      expect(await finish(store, id(11), 'b', at(6))).toBe(true);
      const run = await store.getRun(id(1));
      expect(run).toMatchObject({ status: 'succeeded', finishedAt: at(6) });
      expect(run?.error).toBeUndefined();
      expect(run?.plan).toEqual(plan);
      expect(await store.queueState()).toEqual({
        queued: 0,
        running: 0,
        waiting: 0,
        planning: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'cancels a run: its open builds end, the running one loses its lease, and nothing can record a result afterwards, on %p',
    async databaseId => {
      const store = await storeOn(databaseId);
      await plannedRun(store, [
        job(10, 'pycparser', 0),
        job(11, 'cffi', 1),
        job(12, 'markupsafe', 0, 'linux/s390x'),
      ]);
      expect(
        await store.jobLeases.claim({ owner: 'a', leaseMs: LEASE, now: at(3) }),
      ).toBe(id(10));

      expect(
        await store.cancel({ id: id(1), by: 'user:default/ada', now: at(4) }),
      ).toEqual({ runningJobs: [id(10)] });
      expect(await store.getRun(id(1))).toMatchObject({
        status: 'cancelled',
        error: 'Cancelled by user:default/ada',
        finishedAt: at(4),
      });
      for (const n of [10, 11, 12]) {
        expect(await store.getJob(id(n))).toMatchObject({
          status: 'cancelled',
          error: 'Cancelled by user:default/ada',
        });
      }
      // The backend that built it can neither renew nor finish it.
      expect(
        await store.jobLeases.renew({
          id: id(10),
          owner: 'a',
          leaseMs: LEASE,
          now: at(5),
        }),
      ).toBe(false);
      expect(await finish(store, id(10), 'a', at(5))).toBe(false);
      expect((await store.getRun(id(1)))?.status).toBe('cancelled');
      // Nothing is left to claim, and an ended run cannot be cancelled again.
      expect(
        await store.jobLeases.claim({ owner: 'b', leaseMs: LEASE, now: at(6) }),
      ).toBeUndefined();
      expect(await store.queueState()).toEqual({
        queued: 0,
        running: 0,
        waiting: 0,
        planning: 0,
      });
      expect(
        await store.cancel({ id: id(1), by: 'user:default/ada', now: at(7) }),
      ).toBeUndefined();
      expect(
        await store.cancel({ id: id(99), by: 'user:default/ada', now: at(7) }),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'cancels a run while it is planned: the planner cannot record its plan, on %p',
    async databaseId => {
      const store = await storeOn(databaseId);
      await store.createRun({ id: id(1), wheelSet: set, now: at(0) });
      await store.runLeases.claim({ owner: 'a', leaseMs: LEASE, now: at(1) });
      expect(
        await store.cancel({ id: id(1), by: 'user:default/ada', now: at(2) }),
      ).toEqual({ runningJobs: [] });
      expect(
        await store.planned({
          id: id(1),
          owner: 'a',
          plan,
          jobs: [job(10, 'pycparser', 0)],
          now: at(3),
        }),
      ).toBe(false);
      expect(await store.jobsOf([id(1)])).toEqual([]);
      expect((await store.getRun(id(1)))?.status).toBe('cancelled');
    },
  );

  it.each(databases.eachSupportedId())(
    'skips what a failed build was needed for and says why the run failed, on %p',
    async databaseId => {
      const store = await storeOn(databaseId);
      await plannedRun(store, [
        job(10, 'pycparser', 0),
        job(11, 'cffi', 1),
        job(12, 'markupsafe', 0, 'linux/s390x'),
      ]);
      const claimed = [
        await store.jobLeases.claim({ owner: 'a', leaseMs: LEASE, now: at(3) }),
        await store.jobLeases.claim({ owner: 'a', leaseMs: LEASE, now: at(3) }),
      ].sort();
      expect(claimed).toEqual([id(10), id(12)]);
      await finish(store, id(10), 'a', at(4), true);
      expect(await store.getJob(id(11))).toMatchObject({
        status: 'skipped',
        error: 'not built: pycparser failed in an earlier round',
      });
      // The other target still runs; the run ends with it.
      expect((await store.getRun(id(1)))?.status).toBe('building');
      await finish(store, id(12), 'a', at(5));
      const run = await store.getRun(id(1));
      expect(run?.status).toBe('failed');
      expect(run?.error).toBe(
        '1 of 3 builds failed (missing-header: 1): pycparser 1.0 on linux/amd64; 1 not built because a build they need failed',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    "gives a stopped backend's build to another, and fails it as interrupted past maxAttempts, on %p",
    async databaseId => {
      const store = await storeOn(databaseId);
      await plannedRun(store, [job(10, 'markupsafe', 0)]);
      expect(
        await store.jobLeases.claim({
          owner: 'dead',
          leaseMs: LEASE,
          now: at(3),
        }),
      ).toBe(id(10));
      // Within the lease nothing is recovered.
      expect(
        await store.recoverExpired({ now: at(30), maxAttempts: 2 }),
      ).toEqual({
        runs: { requeued: [], failed: [] },
        jobs: { requeued: [], failed: [] },
      });
      expect(
        (await store.recoverExpired({ now: at(64), maxAttempts: 2 })).jobs,
      ).toEqual({
        requeued: [id(10)],
        failed: [],
      });
      // The dead owner's late outcome is refused; the new one's counts.
      expect(
        await store.jobLeases.claim({
          owner: 'b',
          leaseMs: LEASE,
          now: at(65),
        }),
      ).toBe(id(10));
      expect(await finish(store, id(10), 'dead', at(66))).toBe(false);
      expect(
        await store.jobLeases.renew({
          id: id(10),
          owner: 'dead',
          leaseMs: LEASE,
          now: at(66),
        }),
      ).toBe(false);
      // b stops too: the second expiry is the last attempt.
      expect(
        (await store.recoverExpired({ now: at(200), maxAttempts: 2 })).jobs,
      ).toEqual({
        requeued: [],
        failed: [id(10)],
      });
      expect(await store.getJob(id(10))).toMatchObject({
        status: 'failed',
        cause: 'interrupted',
        error: INTERRUPTED,
        attempts: 2,
      });
      expect(await store.getRun(id(1))).toMatchObject({ status: 'failed' });
    },
  );

  it.each(databases.eachSupportedId())(
    'gives back what a stopping backend held without counting the attempt, and plans a run once, on %p',
    async databaseId => {
      const store = await storeOn(databaseId);
      await store.createRun({ id: id(1), wheelSet: set, now: at(0) });
      expect(
        await store.runLeases.claim({ owner: 'a', leaseMs: LEASE, now: at(1) }),
      ).toBe(id(1));
      expect(
        await store.runLeases.claim({ owner: 'b', leaseMs: LEASE, now: at(1) }),
      ).toBeUndefined();
      expect(await store.runLeases.release(id(1), 'a')).toBe(true);
      expect(await store.getRun(id(1))).toMatchObject({
        status: 'queued',
        attempts: 0,
      });
      expect(
        await store.runLeases.claim({ owner: 'b', leaseMs: LEASE, now: at(2) }),
      ).toBe(id(1));
      // a's plan after it gave the run away is refused.
      expect(
        await store.planned({
          id: id(1),
          owner: 'a',
          plan,
          jobs: [job(10, 'x', 0)],
          now: at(3),
        }),
      ).toBe(false);
      expect(
        await store.planned({
          id: id(1),
          owner: 'b',
          plan: [],
          jobs: [],
          now: at(3),
        }),
      ).toBe(true);
      // Nothing to build: the run succeeded at once.
      expect(await store.getRun(id(1))).toMatchObject({
        status: 'succeeded',
        attempts: 1,
      });
      expect(await store.jobsOf([id(1)])).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists runs newest first and keeps the newest build per project and target, on %p',
    async databaseId => {
      const store = await storeOn(databaseId);
      await plannedRun(store, [job(10, 'markupsafe', 0)]);
      await store.createRun({
        id: id(2),
        wheelSet: { ...set, name: 'web' },
        requestedBy: 'user:default/ada',
        now: at(10),
      });
      expect((await store.listRuns({ limit: 10 })).map(r => r.id)).toEqual([
        id(2),
        id(1),
      ]);
      expect(
        (await store.listRuns({ set: 'science', limit: 10 })).map(r => r.id),
      ).toEqual([id(1)]);
      expect(
        await store.runLeases.claim({
          owner: 'a',
          leaseMs: LEASE,
          now: at(11),
        }),
      ).toBe(id(2));
      await store.planned({
        id: id(2),
        owner: 'a',
        plan: [],
        jobs: [job(20, 'markupsafe', 0)],
        now: at(12),
      });
      const latest = await store.latestJobs();
      expect(latest.map(j => [j.id, j.runId])).toEqual([[id(20), id(2)]]);
    },
  );
});
