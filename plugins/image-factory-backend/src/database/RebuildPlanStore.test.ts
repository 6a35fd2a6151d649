import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from './migrateDatabase';
import { DatabaseDigestStore } from './DigestStore';
import { DatabaseRebuildPlanStore, RebuildPlan } from './RebuildPlanStore';

jest.setTimeout(60_000);

const t0 = new Date('2026-11-01T00:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

const plan = (overrides: Partial<RebuildPlan> = {}): RebuildPlan => ({
  id: '00000000-0000-0000-0000-000000000001',
  imageName: 'web',
  entityRef: 'image:default/web',
  cause: 'base-change',
  state: 'coalescing',
  open: true,
  reasons: [
    {
      kind: 'external',
      baseReference: 'docker.io/library/node:22',
      oldDigest: D1,
      newDigest: D2,
      firstSeenAt: at(1).toISOString(),
      platforms: ['linux/amd64'],
    },
  ],
  platforms: ['linux/amd64'],
  eligibleAt: at(61),
  quietUntil: at(31),
  maxWaitUntil: at(91),
  waitingFor: [],
  depth: 1,
  createdAt: at(1),
  updatedAt: at(1),
  ...overrides,
});

describe('DatabaseRebuildPlanStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
  });

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
      plans: DatabaseRebuildPlanStore.create({ client: knex }),
      digests: DatabaseDigestStore.create({ client: knex }),
    };
  }

  it.each(databases.eachSupportedId())(
    'keeps one open plan per image, closed ones beside it, on %p',
    async databaseId => {
      const { plans } = await stores(databaseId);
      await plans.save(plan());
      expect(await plans.listOpen()).toEqual([plan()]);

      const queued = plan({
        state: 'queued',
        runId: '00000000-0000-0000-0000-00000000000a',
        updatedAt: at(40),
      });
      await plans.save(queued);
      expect(await plans.listOpen()).toEqual([queued]);

      // A pass that read the plan before it changed does not overwrite it.
      expect(
        await plans.save(plan({ state: 'waiting-delay', updatedAt: at(45) }), {
          ifUpdatedAt: at(1),
        }),
      ).toBe(false);
      expect(await plans.listOpen()).toEqual([queued]);

      await expect(
        plans.save(plan({ id: '00000000-0000-0000-0000-000000000002' })),
      ).rejects.toThrow();

      await plans.save({
        ...queued,
        state: 'done',
        open: false,
        closedAt: at(50),
      });
      await plans.save(plan({ id: '00000000-0000-0000-0000-000000000002' }));
      expect((await plans.listOpen()).map(p => p.id)).toEqual([
        '00000000-0000-0000-0000-000000000002',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists an image audit trail newest first, and reads when a digest was last seen, on %p',
    async databaseId => {
      const { plans, digests } = await stores(databaseId);
      const event = (id: string, minutes: number) => ({
        id,
        entityRef: 'image:default/web',
        action: 'emergency-rebuild',
        actor: 'user:default/jane',
        justification: 'CVE-2026-1234',
        at: at(minutes).toISOString(),
        summary: 'queued run r1',
        runIds: ['r1'],
      });
      await plans.addAudit(event('a', 1));
      await plans.addAudit(event('b', 2));
      await plans.addAudit({
        id: 'c',
        entityRef: 'image:default/other',
        action: 'rebuild-queued',
        actor: 'image-factory',
        at: at(3).toISOString(),
        summary: 'queued run r2',
      });
      expect(await plans.listAudit('image:default/web', 10)).toEqual([
        event('b', 2),
        event('a', 1),
      ]);
      expect(await plans.listAudit('image:default/web', 1)).toHaveLength(1);

      const ref = 'docker.io/library/node:22';
      await digests.recordObservation(
        ref,
        { digest: D1, platforms: [] },
        at(1),
      );
      await digests.recordObservation(
        ref,
        { digest: D1, platforms: [] },
        at(5),
      );
      await digests.recordObservation(
        ref,
        { digest: D2, platforms: [] },
        at(9),
      );
      expect(await plans.digestLastSeen(ref, D1)).toEqual(at(5));
      expect(await plans.digestLastSeen(ref, 'sha256:nope')).toBeUndefined();
    },
  );
});
