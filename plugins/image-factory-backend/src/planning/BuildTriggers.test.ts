import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createPlannerHarness,
  HarnessImage,
} from './__testUtils__/plannerHarness';

/*
 * The builds images.yaml asks for, through the planner, on a real database
 * (SQLite and Postgres) and the real build queue; builds are ended by the
 * test as an executor would end them, and the clock is the test's.
 */

jest.setTimeout(60_000);

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const t0 = new Date('2026-12-01T00:00:00Z');
const REGISTRY = 'localhost:5999';

describe('automatic builds', () => {
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

  const harness = (
    databaseId: Parameters<typeof databases.init>[0],
    images: HarnessImage[],
    more: Partial<Parameters<typeof createPlannerHarness>[0]> = {},
  ) =>
    createPlannerHarness({
      databases,
      databaseId,
      registryHost: REGISTRY,
      images,
      start: t0,
      triggers: {},
      ...more,
    });

  const runsOf = async (
    h: Awaited<ReturnType<typeof harness>>,
    imageName: string,
  ) =>
    (await h.builds.list({ imageName, limit: 100 }))
      .map(r => ({ cause: r.cause, status: r.status, detail: r.causeDetail }))
      .reverse();

  const app: HarnessImage = {
    name: 'app',
    publishes: 'apps/app:1',
    bases: [],
    buildArgs: { GREETING: 'hello', TOKEN_NAME: 'x' },
  };

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('builds an image on first sight once, even after a restart', async () => {
      const h = await harness(databaseId, [app]);
      const [planned] = await h.planner.runOnce();
      expect(planned).toMatchObject({
        imageName: 'app',
        cause: 'enrollment',
        causeDetail: 'first seen in images.yaml',
        state: 'queued',
        platforms: ['linux/amd64'],
      });
      expect(await runsOf(h, 'app')).toEqual([
        {
          cause: 'enrollment',
          status: 'queued',
          detail: 'first seen in images.yaml',
        },
      ]);
      // The next pass keeps the queued run.
      await h.planner.runOnce();
      await h.finish(planned.runId!);
      expect(await h.planner.runOnce()).toEqual([]);

      // A restarted backend: a new planner over the same database.
      const restarted = await harness(databaseId, [app], { knex: h.knex });
      restarted.advance(DAY);
      expect(await restarted.planner.runOnce()).toEqual([]);
      expect(await runsOf(restarted, 'app')).toEqual([
        expect.objectContaining({ cause: 'enrollment', status: 'succeeded' }),
      ]);
    });

    it('does not build again after a restart while the first-sight build is still planned', async () => {
      const base: HarnessImage = {
        name: 'base',
        type: 'base',
        publishes: 'base/os:1',
        bases: [],
      };
      const h = await harness(databaseId, [base, app]);
      await h.planner.runOnce();
      const restarted = await harness(databaseId, [base, app], {
        knex: h.knex,
      });
      await restarted.planner.runOnce();
      expect(await runsOf(restarted, 'base')).toEqual([
        expect.objectContaining({ cause: 'enrollment', status: 'queued' }),
      ]);
      expect(await runsOf(restarted, 'app')).toEqual([
        expect.objectContaining({ cause: 'enrollment', status: 'queued' }),
      ]);
    });

    it('gives an image known from before its enrollment build only when it has no run at all', async () => {
      const built: HarnessImage = {
        ...app,
        name: 'built',
        publishes: 'apps/built:1',
      };
      const never: HarnessImage = {
        ...app,
        name: 'never',
        publishes: 'apps/never:1',
      };
      // Images of a factory from before automatic builds: one was built.
      const before = await harness(databaseId, [built, never], {
        triggers: undefined,
      });
      await before.buildNow('built');
      const h = await harness(databaseId, [built, never], {
        knex: before.knex,
      });
      await h.planner.runOnce();
      expect(await runsOf(h, 'built')).toEqual([
        expect.objectContaining({ cause: 'manual', status: 'succeeded' }),
      ]);
      expect(await runsOf(h, 'never')).toEqual([
        expect.objectContaining({ cause: 'enrollment', status: 'queued' }),
      ]);
    });

    it('builds once when the build args, source or platforms change, naming what changed', async () => {
      const h = await harness(databaseId, [app]);
      const [first] = await h.planner.runOnce();
      await h.finish(first.runId!);
      await h.planner.runOnce();

      h.advance(HOUR);
      const entity = h.entities[0];
      entity.spec.buildArgs = { GREETING: 'bonjour', TOKEN_NAME: 'x' };
      entity.spec.source = { ...entity.spec.source!, branch: 'next' };
      const [changed] = await h.planner.runOnce();
      const detail = 'source.branch: main → next; buildArgs.GREETING changed';
      expect(changed).toMatchObject({
        cause: 'config-change',
        causeDetail: detail,
        state: 'queued',
      });
      await h.finish(changed.runId!);

      // Restarted: the change was acted on already.
      const restarted = await harness(databaseId, [app], { knex: h.knex });
      restarted.entities[0].spec = entity.spec;
      restarted.advance(2 * HOUR);
      expect(await restarted.planner.runOnce()).toEqual([]);

      // Platforms in another order are the same build; one more is not.
      entity.spec.platforms = ['linux/amd64'];
      restarted.entities[0].spec.platforms = ['linux/s390x', 'linux/amd64'];
      const [widened] = await restarted.planner.runOnce();
      expect(widened).toMatchObject({
        cause: 'config-change',
        causeDetail: 'platforms: linux/amd64 → linux/amd64, linux/s390x',
        platforms: ['linux/s390x', 'linux/amd64'],
      });
      expect(await runsOf(restarted, 'app')).toEqual([
        expect.objectContaining({ cause: 'enrollment' }),
        { cause: 'config-change', status: 'succeeded', detail },
        expect.objectContaining({ cause: 'config-change', status: 'queued' }),
      ]);
    });

    it('waits for the first build of the factory image it is built FROM, and goes once it succeeded', async () => {
      const base: HarnessImage = {
        name: 'base',
        type: 'base',
        publishes: 'base/os:1',
        bases: [],
      };
      const dependent: HarnessImage = {
        ...app,
        bases: [`${REGISTRY}/base/os:1`],
      };
      const h = await harness(databaseId, [dependent, base]);
      const first = await h.planner.runOnce();
      expect(first.map(p => [p.imageName, p.state, p.waitingFor])).toEqual([
        ['app', 'waiting-upstream', ['image:default/base']],
        ['base', 'queued', undefined],
      ]);
      expect(await runsOf(h, 'app')).toEqual([]);
      // Still waiting while the base builds.
      await h.planner.runOnce();
      expect(await runsOf(h, 'app')).toEqual([]);

      await h.finish(first[1].runId!);
      const [app2] = await h.planner.runOnce();
      expect(app2).toMatchObject({
        imageName: 'app',
        cause: 'enrollment',
        state: 'queued',
      });
      expect(await runsOf(h, 'app')).toEqual([
        expect.objectContaining({ cause: 'enrollment', status: 'queued' }),
      ]);
    });

    it('blocks the dependent while the base fails, and goes when the base is fixed in images.yaml', async () => {
      const base: HarnessImage = {
        name: 'base',
        type: 'base',
        publishes: 'base/os:1',
        bases: [],
      };
      const dependent: HarnessImage = {
        ...app,
        bases: [`${REGISTRY}/base/os:1`],
      };
      const h = await harness(databaseId, [base, dependent]);
      const planned = await h.planner.runOnce();
      const basePlan = planned.find(p => p.imageName === 'base')!;
      await h.finish(basePlan.runId!, 'failed');
      const blocked = await h.planner.runOnce();
      expect(blocked.map(p => [p.imageName, p.state])).toEqual([
        ['app', 'blocked'],
        ['base', 'blocked'],
      ]);
      expect(blocked[0].blockedReason).toContain(
        'upstream image:default/base: the rebuild failed',
      );
      // Nothing is queued again by itself.
      h.advance(HOUR);
      await h.planner.runOnce();
      expect(await runsOf(h, 'base')).toHaveLength(1);

      h.entities.find(
        e => e.metadata.name === 'base',
      )!.spec.source!.dockerfile = 'fixed/Dockerfile';
      const retried = await h.planner.runOnce();
      expect(retried.find(p => p.imageName === 'base')).toMatchObject({
        cause: 'config-change',
        state: 'queued',
      });
      await h.finish(retried.find(p => p.imageName === 'base')!.runId!);
      await h.planner.runOnce();
      expect(await runsOf(h, 'app')).toEqual([
        expect.objectContaining({ cause: 'enrollment', status: 'queued' }),
      ]);
    });

    it('builds nothing by itself with automaticBuilds off', async () => {
      const h = await harness(databaseId, [app], {
        triggers: { automaticBuilds: false },
      });
      expect(await h.planner.runOnce()).toEqual([]);
      h.entities[0].spec.buildArgs = { GREETING: 'hi' };
      expect(await h.planner.runOnce()).toEqual([]);
      expect(await runsOf(h, 'app')).toEqual([]);
    });

    it('builds on schedule, counted from the latest run of any cause', async () => {
      const weekly: HarnessImage = {
        ...app,
        rebuild: { schedule: 'weekly' },
      };
      const off: HarnessImage = {
        ...app,
        name: 'never',
        publishes: 'apps/never:1',
        rebuild: { schedule: 'off' },
      };
      const h = await harness(databaseId, [weekly, off], {
        triggers: { automaticBuilds: false, defaultScheduleMs: DAY },
      });
      await h.buildNow('app');
      await h.buildNow('never');
      h.advance(7 * DAY - HOUR);
      expect(await h.planner.runOnce()).toEqual([]);

      h.advance(HOUR);
      const [scheduled] = await h.planner.runOnce();
      expect(scheduled).toMatchObject({
        imageName: 'app',
        cause: 'scheduled',
        causeDetail: 'schedule weekly',
        state: 'queued',
      });
      await h.finish(scheduled.runId!);
      await h.planner.runOnce();
      h.advance(DAY);
      expect(await h.planner.runOnce()).toEqual([]);
      expect(await runsOf(h, 'never')).toHaveLength(1);
      expect((await runsOf(h, 'app')).map(r => r.cause)).toEqual([
        'manual',
        'scheduled',
      ]);
    });

    it('uses imageFactory.rebuilds.defaultSchedule for images without rebuild.schedule', async () => {
      const h = await harness(databaseId, [app], {
        triggers: { automaticBuilds: false, defaultScheduleMs: DAY },
      });
      await h.buildNow('app');
      h.advance(DAY);
      const [scheduled] = await h.planner.runOnce();
      expect(scheduled).toMatchObject({
        cause: 'scheduled',
        causeDetail: 'schedule imageFactory.rebuilds.defaultSchedule',
      });
    });
  });
});
