import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { Enrollment } from '@image-factory/plugin-image-factory-common';
import { DatabaseEnrollmentStore } from './EnrollmentStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

const enrollment = (
  n: number,
  overrides: Partial<Enrollment> = {},
): Enrollment => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  action: 'enroll',
  subject: 'image',
  imageName: `app-${n}`,
  state: 'open',
  requestedBy: 'user:default/jane',
  createdAt: `2026-11-0${n}T10:00:00.000Z`,
  updatedAt: `2026-11-0${n}T10:00:00.000Z`,
  summary: `Enroll image app-${n} (managed, owner team-web)`,
  entry: { name: `app-${n}`, type: 'managed', platforms: ['linux/s390x'] },
  pullRequest: {
    repo: 'acme/cfg',
    number: n,
    url: `https://github.com/acme/cfg/pull/${n}`,
    branch: `image-factory/enroll-app-${n}`,
  },
  ...overrides,
});

describe('DatabaseEnrollmentStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'keeps change requests and follows their state on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database: DatabaseService = { getClient: async () => knex };
      await migrateDatabase(database);
      const store = DatabaseEnrollmentStore.create({ client: knex });

      await store.add(enrollment(1, { reason: 'first' }));
      await store.add(
        enrollment(2, {
          action: 'unenroll',
          entry: undefined,
          imageName: 'app-1',
        }),
      );
      expect(await store.get(enrollment(1).id)).toEqual(
        enrollment(1, { reason: 'first' }),
      );
      expect(await store.get('nope')).toBeUndefined();
      expect((await store.list()).map(e => e.pullRequest.number)).toEqual([
        2, 1,
      ]);
      expect((await store.findOpen('unenroll', 'app-1'))?.id).toBe(
        enrollment(2).id,
      );
      expect(await store.findOpen('change', 'app-1')).toBeUndefined();
      // A wheel set of the same name is another subject.
      await store.add(
        enrollment(3, {
          action: 'unenroll',
          subject: 'wheel-set',
          entry: undefined,
          imageName: 'app-1',
        }),
      );
      expect((await store.get(enrollment(3).id))?.subject).toBe('wheel-set');
      expect((await store.findOpen('unenroll', 'app-1'))?.id).toBe(
        enrollment(2).id,
      );
      expect((await store.findOpen('unenroll', 'app-1', 'wheel-set'))?.id).toBe(
        enrollment(3).id,
      );
      expect((await store.findByPullRequest('acme/cfg', 1))?.id).toBe(
        enrollment(1).id,
      );

      const now = new Date('2026-11-05T00:00:00Z');
      expect(await store.setState(enrollment(1).id, 'merged', now)).toBe(true);
      // A second webhook for the same merge changes nothing.
      expect(await store.setState(enrollment(1).id, 'merged', now)).toBe(false);
      expect(await store.findOpen('enroll', 'app-1')).toBeUndefined();
      expect((await store.list({ state: 'merged' })).map(e => e.id)).toEqual([
        enrollment(1).id,
      ]);
      expect((await store.get(enrollment(1).id))?.updatedAt).toBe(
        now.toISOString(),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps what the factory needs to re-apply a change, and its last sync, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database: DatabaseService = { getClient: async () => knex };
      await migrateDatabase(database);
      const store = DatabaseEnrollmentStore.create({ client: knex });

      const changes = { title: 'New', source: null };
      await store.add(enrollment(3, { action: 'change', imageName: 'app-1' }), {
        edit: { changes, previous: { name: 'app-1', title: 'Old' } },
        baseSha: 'a'.repeat(40),
        headSha: 'b'.repeat(40),
      });
      await store.add(enrollment(4));
      await store.add(enrollment(5, { state: 'merged' }));
      const open = await store.listOpenBranches();
      expect(open.map(o => o.enrollment.id)).toEqual([
        enrollment(3).id,
        enrollment(4).id,
      ]);
      expect(open[0].branch).toEqual({
        edit: { changes, previous: { name: 'app-1', title: 'Old' } },
        baseSha: 'a'.repeat(40),
        headSha: 'b'.repeat(40),
      });
      // A request recorded before branches were followed has no state.
      expect(open[1].branch).toEqual({});

      await store.setBranch(enrollment(3).id, {
        baseSha: 'c'.repeat(40),
        headSha: 'd'.repeat(40),
      });
      const sync = {
        state: 'reapplied' as const,
        message: 'main moved',
        at: '2026-11-06T00:00:00.000Z',
        baseSha: 'c'.repeat(40),
      };
      await store.setSync(enrollment(3).id, sync);
      const [after] = await store.listOpenBranches();
      expect(after.branch.baseSha).toBe('c'.repeat(40));
      expect(after.branch.headSha).toBe('d'.repeat(40));
      expect(after.enrollment.sync).toEqual(sync);
      expect((await store.get(enrollment(4).id))?.sync).toBeUndefined();
    },
  );
});
