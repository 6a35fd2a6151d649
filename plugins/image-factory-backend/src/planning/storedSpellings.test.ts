import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  BuildRunRecord,
  DatabaseDigestStore,
  DatabaseRebuildPlanStore,
  migrateDatabase,
  PlannedReason,
} from '../database';
import { externalReasons, mergeReasons, recordedDigest } from './reasons';

/*
 * Runs and plans keep a base as it was spelled when they were written (the
 * Dockerfile analysis writes `docker.io/library/ubuntu`, tracking keys it
 * `docker.io/library/ubuntu:latest`): the planner reads them by the one
 * canonical key, on both databases.
 */

jest.setTimeout(60_000);

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const t1 = new Date('2026-11-01T10:00:00Z');
const t2 = new Date('2026-11-02T10:00:00Z');

/** A run as an earlier version stored it: only what the planner reads of it. */
const runWithBases = (baseDigests: Record<string, string>) =>
  ({ inputs: { baseDigests } } as unknown as BuildRunRecord);

describe('stored spellings of one reference', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it('runs on Postgres when it is provided, and it is under CI', () => {
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  it.each(databases.eachSupportedId())(
    'finds the change of a base whose last build recorded another spelling, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database: DatabaseService = { getClient: async () => knex };
      await migrateDatabase(database);
      const digests = DatabaseDigestStore.create({ client: knex });
      const plans = DatabaseRebuildPlanStore.create({ client: knex });
      // Tracking saw the old digest, then a new one, under the canonical key.
      await digests.syncWatched(
        [
          {
            reference: 'docker.io/library/ubuntu:latest',
            registry: 'docker.io',
          },
        ],
        t1,
      );
      await digests.recordObservation(
        'docker.io/library/ubuntu:latest',
        { digest: digest('a'), platforms: [] },
        t1,
      );
      await digests.recordObservation(
        'index.docker.io/library/ubuntu:latest',
        { digest: digest('b'), platforms: [] },
        t2,
      );
      const lastBuild = runWithBases({
        'docker.io/library/ubuntu': digest('a'),
      });

      for (const base of ['ubuntu', 'library/ubuntu:latest']) {
        expect(recordedDigest(lastBuild, base)).toBe(digest('a'));
        expect(
          await externalReasons({ bases: [base], lastBuild, digests, plans }),
        ).toEqual([
          {
            kind: 'external',
            baseReference: base,
            oldDigest: digest('a'),
            newDigest: digest('b'),
            firstSeenAt: t2.toISOString(),
          },
        ]);
      }
      expect(await plans.digestLastSeen('ubuntu', digest('a'))).toEqual(t1);
    },
  );

  it('merges reasons about one base spelled two ways', () => {
    const reason = (baseReference: string): PlannedReason => ({
      kind: 'external',
      baseReference,
      oldDigest: digest('a'),
      newDigest: digest('b'),
      firstSeenAt: t2.toISOString(),
    });
    expect(
      mergeReasons(
        [reason('docker.io/library/ubuntu')],
        [reason('docker.io/library/ubuntu:latest')],
      ),
    ).toEqual([reason('docker.io/library/ubuntu:latest')]);
  });
});
