import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import path from 'path';
import { DatabaseDigestStore } from './DigestStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

const MIGRATIONS = path.resolve(__dirname, '../../migrations');
const TRACKING_MIGRATION = '20261123150000_tracking.js';
const NODE = 'docker.io/library/node:22';
const ALPINE = 'docker.io/library/alpine:3.20';
const t1 = new Date('2026-11-01T10:00:00Z');
const t2 = new Date('2026-11-02T10:00:00Z');
const t3 = new Date('2026-11-03T10:00:00Z');
const t4 = new Date('2026-11-04T10:00:00Z');
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const watched = (reference: string) => ({
  reference,
  registry: reference.split('/')[0],
});

describe('DatabaseDigestStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it('runs against PostgreSQL 15 whenever the test command provides it', () => {
    // TestDatabases silently drops an engine it cannot reach, which would
    // hide the PostgreSQL half of these tests.
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex: Knex = await databases.init(databaseId);
    const database: DatabaseService = { getClient: async () => knex };
    await migrateDatabase(database);
    return { knex, store: DatabaseDigestStore.create({ client: knex }) };
  }

  it.each(databases.eachSupportedId())(
    'keeps a reference due when a push is reported while it is being checked, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.syncWatched([watched(NODE)], t1);
      // A check starts at t1; the registry reports a push at t2, before the
      // check records its outcome: it may have read the old digest.
      expect(await store.markDue([NODE, ALPINE], t2)).toEqual([NODE]);
      await store.recordCheck(NODE, { checkedAt: t1, nextCheckAt: t4 });
      expect(await store.listDue(t2)).toMatchObject([
        { reference: NODE, nextCheckAt: t2, lastCheckedAt: t1 },
      ]);
      // A check that started after the push schedules the next one as usual.
      await store.recordCheck(NODE, { checkedAt: t3, nextCheckAt: t4 });
      expect(await store.listDue(t3)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the watched set and its schedule on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.syncWatched([watched(NODE), watched(NODE)], t1);
      await store.recordCheck(NODE, { checkedAt: t1, nextCheckAt: t3 });
      await store.syncWatched([watched(NODE), watched(ALPINE)], t2);

      expect(await store.listWatched()).toEqual([
        { reference: ALPINE, registry: 'docker.io', nextCheckAt: t2 },
        {
          reference: NODE,
          registry: 'docker.io',
          nextCheckAt: t3,
          lastCheckedAt: t1,
        },
      ]);
      expect((await store.listDue(t2)).map(r => r.reference)).toEqual([ALPINE]);
      expect((await store.listDue(t3)).map(r => r.reference)).toEqual([
        ALPINE,
        NODE,
      ]);

      await store.recordCheck(ALPINE, {
        checkedAt: t2,
        nextCheckAt: t4,
        error: 'RegistryUnavailableError: down',
      });
      expect((await store.listWatched())[0]).toMatchObject({
        lastError: 'RegistryUnavailableError: down',
        nextCheckAt: t4,
      });

      await store.syncWatched([watched(ALPINE)], t2);
      expect((await store.listWatched()).map(r => r.reference)).toEqual([
        ALPINE,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists the references due at one time least recently asked first, so a short budget never starves one, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const refs = ['a', 'b', 'c', 'd'].map(n => `docker.io/library/${n}:1`);
      await store.syncWatched(refs.map(watched), t1);
      // a and b were asked (b before a); c and d never were.
      await store.recordCheck(refs[1], { checkedAt: t1, nextCheckAt: t2 });
      await store.recordCheck(refs[0], { checkedAt: t2, nextCheckAt: t2 });
      // The host was held: everything waits for t3.
      await store.postponeRegistry('docker.io', t3);
      expect((await store.listDue(t3)).map(r => r.reference)).toEqual([
        refs[2],
        refs[3],
        refs[1],
        refs[0],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'postpones only earlier checks of one registry on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const other = 'ghcr.io/team/base:1';
      await store.syncWatched([watched(NODE), watched(ALPINE)], t1);
      await store.syncWatched(
        [watched(NODE), watched(ALPINE), watched(other)],
        t1,
      );
      await store.recordCheck(ALPINE, { checkedAt: t1, nextCheckAt: t4 });
      await store.postponeRegistry('docker.io', t3);

      const byRef = new Map(
        (await store.listWatched()).map(r => [r.reference, r.nextCheckAt]),
      );
      expect(byRef.get(NODE)).toEqual(t3);
      expect(byRef.get(ALPINE)).toEqual(t4);
      expect(byRef.get(other)).toEqual(t1);
    },
  );

  it.each(databases.eachSupportedId())(
    'confirms a digest seen again only while it is the current one, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const index = {
        digest: digest('a'),
        platforms: [
          { platform: 'linux/amd64', digest: digest('1') },
          { platform: 'linux/s390x', digest: digest('2') },
        ],
      };
      // Nothing observed yet: nothing to confirm, nothing written.
      expect(await store.confirmCurrent(NODE, digest('a'), t1)).toBe(false);
      expect(await store.getCurrent(NODE)).toBeUndefined();

      await store.recordObservation(NODE, index, t1);
      await store.recordObservation(
        ALPINE,
        { digest: digest('c'), platforms: [] },
        t1,
      );
      expect(await store.confirmCurrent(NODE, digest('a'), t2)).toBe(true);
      const seen = { firstSeenAt: t1, lastSeenAt: t2 };
      expect(await store.getCurrent(NODE)).toEqual({
        reference: NODE,
        digest: { platform: '', digest: digest('a'), ...seen },
        platforms: [
          { platform: 'linux/amd64', digest: digest('1'), ...seen },
          { platform: 'linux/s390x', digest: digest('2'), ...seen },
        ],
      });
      // Another reference's rows are not touched.
      expect((await store.getCurrent(ALPINE))?.digest.lastSeenAt).toEqual(t1);

      // Another digest (a change the caller must record in full), or one
      // that was current before: false, and the current rows keep their time.
      expect(await store.confirmCurrent(NODE, digest('b'), t3)).toBe(false);
      await store.recordObservation(
        NODE,
        { ...index, digest: digest('b') },
        t3,
      );
      expect(await store.confirmCurrent(NODE, digest('a'), t4)).toBe(false);
      expect(await store.getCurrent(NODE)).toMatchObject({
        digest: { digest: digest('b'), lastSeenAt: t3 },
      });
      expect((await store.getHistory(NODE, 5)).digests).toMatchObject([
        { digest: digest('b'), lastSeenAt: t3 },
        { digest: digest('a'), lastSeenAt: t2 },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the first-seen time per digest and reports changed platforms on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const first = await store.recordObservation(
        NODE,
        {
          digest: digest('a'),
          platforms: [
            { platform: 'linux/amd64', digest: digest('1') },
            { platform: 'linux/s390x', digest: digest('2') },
          ],
        },
        t1,
      );
      expect(first).toEqual({
        reference: NODE,
        digest: digest('a'),
        digestChanged: false,
        firstSeenAt: t1,
        changedPlatforms: [],
        removedPlatforms: [],
      });

      const same = await store.recordObservation(
        NODE,
        {
          digest: digest('a'),
          platforms: [
            { platform: 'linux/amd64', digest: digest('1') },
            { platform: 'linux/s390x', digest: digest('2') },
          ],
        },
        t2,
      );
      expect(same).toMatchObject({
        previousDigest: digest('a'),
        digestChanged: false,
        firstSeenAt: t1,
        changedPlatforms: [],
      });

      const amd64Only = await store.recordObservation(
        NODE,
        {
          digest: digest('b'),
          platforms: [
            { platform: 'linux/amd64', digest: digest('3') },
            { platform: 'linux/s390x', digest: digest('2') },
            { platform: 'linux/arm64/v8', digest: digest('4') },
          ],
        },
        t3,
      );
      expect(amd64Only).toEqual({
        reference: NODE,
        previousDigest: digest('a'),
        digest: digest('b'),
        digestChanged: true,
        firstSeenAt: t3,
        changedPlatforms: ['linux/amd64', 'linux/arm64/v8'],
        removedPlatforms: [],
      });

      // Rolled back to the first index: its first-seen time is the original one.
      const back = await store.recordObservation(
        NODE,
        {
          digest: digest('a'),
          platforms: [
            { platform: 'linux/amd64', digest: digest('1') },
            { platform: 'linux/s390x', digest: digest('2') },
          ],
        },
        t4,
      );
      expect(back).toMatchObject({
        previousDigest: digest('b'),
        digestChanged: true,
        firstSeenAt: t1,
        changedPlatforms: ['linux/amd64'],
        removedPlatforms: ['linux/arm64/v8'],
      });

      expect(await store.getCurrent(NODE)).toEqual({
        reference: NODE,
        digest: {
          platform: '',
          digest: digest('a'),
          firstSeenAt: t1,
          lastSeenAt: t4,
        },
        platforms: [
          {
            platform: 'linux/amd64',
            digest: digest('1'),
            firstSeenAt: t1,
            lastSeenAt: t4,
          },
          {
            platform: 'linux/s390x',
            digest: digest('2'),
            firstSeenAt: t1,
            lastSeenAt: t4,
          },
        ],
      });
      expect(await store.getCurrent(ALPINE)).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'lists the newest index digests and when the reference was first seen on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const day = (n: number) => new Date(Date.UTC(2026, 10, n, 10));
      expect(await store.getHistory(NODE, 5)).toEqual({ digests: [] });

      // Seven index digests over seven days, each with a platform child; the
      // first one comes back on day 8.
      const seen = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'a'];
      for (const [i, c] of seen.entries()) {
        await store.recordObservation(
          NODE,
          {
            digest: digest(c),
            platforms: [{ platform: 'linux/amd64', digest: digest(`${i}`) }],
          },
          day(i + 1),
        );
      }
      // Seen again without a change: only its last-seen time moves.
      await store.recordObservation(
        NODE,
        {
          digest: digest('a'),
          platforms: [{ platform: 'linux/amd64', digest: digest('7') }],
        },
        day(9),
      );
      await store.recordObservation(
        ALPINE,
        { digest: digest('z'), platforms: [] },
        day(20),
      );

      const history = await store.getHistory(NODE, 5);
      expect(history.watchedSince).toEqual(day(1));
      expect(history.digests).toEqual([
        {
          platform: '',
          digest: digest('a'),
          firstSeenAt: day(1),
          lastSeenAt: day(9),
        },
        ...['g', 'f', 'e', 'd'].map((c, i) => ({
          platform: '',
          digest: digest(c),
          firstSeenAt: day(7 - i),
          lastSeenAt: day(7 - i),
        })),
      ]);
      expect(
        (await store.getHistory(NODE, 2)).digests.map(d => d.digest),
      ).toEqual([digest('a'), digest('g')]);
      expect(await store.getHistory(ALPINE, 5)).toEqual({
        watchedSince: day(20),
        digests: [
          {
            platform: '',
            digest: digest('z'),
            firstSeenAt: day(20),
            lastSeenAt: day(20),
          },
        ],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'watches thousands of references in one sync on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const many = Array.from({ length: 2500 }, (_, i) =>
        watched(`localhost:5000/base/b${i}:1`),
      );
      await store.syncWatched(many, t1);
      expect(await store.listDue(t1)).toHaveLength(2500);
      await store.syncWatched(many.slice(0, 10), t1);
      expect(await store.listWatched()).toHaveLength(10);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates the tracking tables down and up, leaving images alone, on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await knex('images').insert({
        entity_ref: 'image:default/web',
        type: 'managed',
        reference: 'localhost:5000/apps/web',
        owner: 'group:default/team-web',
        first_seen_at: t1,
        last_seen_at: t1,
      });
      await store.syncWatched([watched(NODE)], t1);
      await store.recordObservation(
        NODE,
        { digest: digest('a'), platforms: [] },
        t1,
      );

      await knex.migrate.down({
        directory: MIGRATIONS,
        name: TRACKING_MIGRATION,
      });
      expect(await knex.schema.hasTable('tracked_references')).toBe(false);
      expect(await knex.schema.hasTable('tracked_digests')).toBe(false);
      expect(Number((await knex('images').count({ n: '*' }))[0].n)).toBe(1);

      await knex.migrate.up({
        directory: MIGRATIONS,
        name: TRACKING_MIGRATION,
      });
      expect(await store.listWatched()).toEqual([]);
      expect(await store.getCurrent(NODE)).toBeUndefined();
      expect(await store.getHistory(NODE, 5)).toEqual({ digests: [] });
    },
  );
  it.each(databases.eachSupportedId())(
    'answers many references in one read as it answers each, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.recordObservation(
        NODE,
        {
          digest: digest('a'),
          platforms: [
            { platform: 'linux/s390x', digest: digest('2') },
            { platform: 'linux/amd64', digest: digest('1') },
          ],
        },
        t1,
      );
      await store.recordObservation(
        NODE,
        {
          digest: digest('b'),
          platforms: [{ platform: 'linux/amd64', digest: digest('3') }],
        },
        t2,
      );
      await store.recordObservation(
        ALPINE,
        { digest: digest('z'), platforms: [] },
        t3,
      );
      const unknown = 'docker.io/library/busybox:1';
      const one = {
        current: [await store.getCurrent(NODE), await store.getCurrent(ALPINE)],
        history: [
          await store.getHistory(NODE, 5),
          await store.getHistory(ALPINE, 1),
        ],
      };
      expect(one.current[0]!.platforms.map(p => p.platform)).toEqual([
        'linux/amd64',
      ]);
      expect(one.history[0].digests.map(d => d.digest)).toEqual([
        digest('b'),
        digest('a'),
      ]);

      const current = await store.getCurrentOf(['node:22', ALPINE, unknown]);
      expect([...current.keys()].sort()).toEqual([ALPINE, NODE]);
      expect(current.get(NODE)).toEqual(one.current[0]);
      expect(current.get(ALPINE)).toEqual(one.current[1]);
      expect(await store.listCurrent()).toEqual([
        one.current[1],
        one.current[0],
      ]);
      const histories = await store.getHistoryOf([NODE, unknown], 5);
      expect(histories.get(NODE)).toEqual(one.history[0]);
      expect(histories.get(unknown)).toEqual({ digests: [] });

      // Asked together (the status page asks for every reference at once).
      expect(
        await Promise.all([
          store.getCurrent(NODE),
          store.getCurrent(ALPINE),
          store.getCurrent(unknown),
          store.getHistory(NODE, 5),
          store.getHistory(ALPINE, 1),
          store.getHistory(NODE, 1),
        ]),
      ).toEqual([
        ...one.current,
        undefined,
        ...one.history,
        { ...one.history[0], digests: one.history[0].digests.slice(0, 1) },
      ]);
    },
  );
});
