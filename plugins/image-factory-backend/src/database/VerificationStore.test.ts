import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from './migrateDatabase';
import { createVerificationLogStore } from './VerificationLogStore';
import {
  INTERRUPTED,
  StageCheckResult,
  VerificationStore,
} from './VerificationStore';

jest.setTimeout(60_000);

const t0 = new Date('2026-12-05T09:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const id = (n: number) =>
  `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

const results: StageCheckResult[] = [
  {
    check: 'smoke',
    platform: 'linux/amd64',
    executor: 'docker',
    emulated: false,
    status: 'passed',
    exitCode: 0,
    durationMs: 120,
  },
  {
    check: 'smoke',
    platform: 'linux/s390x',
    executor: 'docker',
    emulated: true,
    status: 'error',
    durationMs: 0,
    error: 'The image x cannot be pulled for linux/s390x: manifest unknown',
  },
];

describe('VerificationStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it('runs on Postgres when it is provided, and it is under CI', () => {
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
      knex,
      verifications: VerificationStore.create({ client: knex }),
      logs: createVerificationLogStore({ client: knex }),
    };
  }

  it.each(databases.eachSupportedId())(
    'keeps each verification bound to its digest, pending to running to finished, on %p',
    async databaseId => {
      const { verifications } = await stores(databaseId);
      const created = await verifications.create({
        id: id(1),
        imageName: 'web',
        stage: 'staging',
        digest: D1,
        requestedBy: 'user:default/ada',
        createdAt: at(0),
      });
      expect(created).toEqual({
        id: id(1),
        imageName: 'web',
        stage: 'staging',
        digest: D1,
        status: 'pending',
        requestedBy: 'user:default/ada',
        results: [],
        createdAt: at(0),
      });
      expect(await verifications.start(id(1), at(1))).toBe(true);
      expect(await verifications.start(id(1), at(2))).toBe(false);
      expect(
        await verifications.finish(id(1), {
          status: 'failed',
          results,
          now: at(3),
        }),
      ).toBe(true);
      // A finished verification keeps its outcome.
      expect(
        await verifications.finish(id(1), {
          status: 'passed',
          results: [],
          now: at(4),
        }),
      ).toBe(false);
      expect(await verifications.get(id(1))).toEqual({
        ...created,
        status: 'failed',
        results,
        startedAt: at(1),
        finishedAt: at(3),
      });

      // A second run of the same digest, and one of another digest.
      await verifications.create({
        id: id(2),
        imageName: 'web',
        stage: 'staging',
        digest: D1,
        createdAt: at(10),
      });
      await verifications.start(id(2), at(10));
      await verifications.finish(id(2), {
        status: 'passed',
        results: [results[0]],
        now: at(11),
      });
      await verifications.create({
        id: id(3),
        imageName: 'web',
        stage: 'staging',
        digest: D2,
        createdAt: at(12),
      });
      await verifications.create({
        id: id(4),
        imageName: 'api',
        stage: 'staging',
        digest: D1,
        createdAt: at(13),
      });

      expect(await verifications.latestFor('web', 'staging', D1)).toMatchObject(
        { id: id(2), status: 'passed', results: [results[0]] },
      );
      expect(await verifications.latestFor('web', 'staging', D2)).toMatchObject(
        { id: id(3), status: 'pending' },
      );
      expect(await verifications.latestFor('web', 'prod', D1)).toBeUndefined();
      expect((await verifications.list('web', 10)).map(v => v.id)).toEqual([
        id(3),
        id(2),
        id(1),
      ]);
      expect((await verifications.list('web', 2)).map(v => v.id)).toEqual([
        id(3),
        id(2),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'marks what a stopped backend left pending or running as failed, interrupted, on %p',
    async databaseId => {
      const { verifications } = await stores(databaseId);
      for (const n of [1, 2, 3]) {
        await verifications.create({
          id: id(n),
          imageName: 'web',
          stage: 'prod',
          digest: D1,
          createdAt: at(n),
        });
      }
      await verifications.start(id(2), at(2));
      await verifications.start(id(3), at(3));
      await verifications.finish(id(3), {
        status: 'passed',
        results: [],
        now: at(4),
      });

      const interrupted = await verifications.interrupted(at(30));
      expect(interrupted.map(v => [v.id, v.status, v.error])).toEqual(
        expect.arrayContaining([
          [id(1), 'failed', INTERRUPTED],
          [id(2), 'failed', INTERRUPTED],
        ]),
      );
      expect(interrupted).toHaveLength(2);
      expect(await verifications.get(id(2))).toMatchObject({
        status: 'failed',
        error: INTERRUPTED,
        finishedAt: at(30),
      });
      expect(await verifications.get(id(3))).toMatchObject({
        status: 'passed',
      });
      // A run that ends after all does not overwrite the verdict.
      expect(
        await verifications.finish(id(2), {
          status: 'passed',
          results: [],
          now: at(31),
        }),
      ).toBe(false);
      expect(await verifications.interrupted(at(40))).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves a verification to the live backend that holds it, and interrupts it once its lease expired, on %p',
    async databaseId => {
      const { verifications } = await stores(databaseId);
      await verifications.create({
        id: id(1),
        imageName: 'web',
        stage: 'prod',
        digest: D1,
        createdAt: at(1),
        owner: 'replica-a',
        leaseExpiresAt: at(3),
      });
      await verifications.start(id(1), at(2));
      // Another replica starting up leaves it: replica-a holds it.
      expect(await verifications.interrupted(at(2))).toEqual([]);
      expect(await verifications.isLive(id(1), at(2))).toBe(true);
      // Only its holder renews it.
      expect(await verifications.renew(id(1), 'replica-b', at(10))).toBe(false);
      expect(await verifications.renew(id(1), 'replica-a', at(5))).toBe(true);
      expect(await verifications.interrupted(at(4))).toEqual([]);
      // replica-a stopped: no renewal, the lease runs out.
      expect(await verifications.isLive(id(1), at(6))).toBe(false);
      expect(
        (await verifications.interrupted(at(6))).map(v => [v.id, v.error]),
      ).toEqual([[id(1), INTERRUPTED]]);
      // A late renewal or finish of the stopped backend changes nothing.
      expect(await verifications.renew(id(1), 'replica-a', at(20))).toBe(false);
      expect(
        await verifications.finish(id(1), {
          status: 'passed',
          results: [],
          now: at(7),
        }),
      ).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the log lines of each verification in order, removed with it, on %p',
    async databaseId => {
      const { knex, verifications, logs } = await stores(databaseId);
      await verifications.create({
        id: id(1),
        imageName: 'web',
        stage: 'prod',
        digest: D1,
        createdAt: at(0),
      });
      expect(await logs.lastSeq(id(1))).toBe(0);
      await logs.append(id(1), [
        {
          seq: 1,
          stream: 'system',
          time: at(1).toISOString(),
          text: 'Check smoke…',
        },
        {
          seq: 2,
          platform: 'linux/s390x',
          stream: 'build',
          time: at(2).toISOString(),
          text: '[smoke] s390x',
        },
      ]);
      expect(await logs.lastSeq(id(1))).toBe(2);
      expect(await logs.read(id(1), { after: 1, limit: 10 })).toEqual([
        {
          seq: 2,
          platform: 'linux/s390x',
          stream: 'build',
          time: at(2).toISOString(),
          text: '[smoke] s390x',
        },
      ]);
      // SQLite enforces the foreign key only when asked to; Postgres always.
      if (databaseId === 'SQLITE_3') await knex.raw('PRAGMA foreign_keys = ON');
      await knex('stage_verifications')
        .where({ id: id(1) })
        .delete();
      expect(await logs.read(id(1), { after: 0, limit: 10 })).toEqual([]);
    },
  );
});
