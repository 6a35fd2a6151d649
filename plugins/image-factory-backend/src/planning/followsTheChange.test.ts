import { TestDatabases } from '@backstage/backend-test-utils';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { OciRegistryClient } from '../registry';
import { pushPlatformManifest } from '../tracking/__testUtils__/pushImages';
import {
  createPlannerHarness,
  HarnessImage,
} from './__testUtils__/plannerHarness';

/*
 * A planning pass follows the change: after a first pass over every image,
 * a pass plans only the images something new concerns (a base's new digest,
 * a run created or ended, an open plan) and those built FROM them; a new
 * planner, a change of images.yaml and the hourly full pass plan every
 * image. Which images a pass plans shows in whose last builds it reads.
 * Real registry, real database (SQLite and Postgres), the test's clock.
 */

jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const t0 = new Date('2026-11-01T00:00:00Z');
const amd64 = { os: 'linux', architecture: 'amd64' };

describe('RebuildPlanner follows the change', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let registry: TestRegistry;
  const pusher = OciRegistryClient.create();
  let repoCounter = 0;

  beforeAll(async () => {
    registry = await startTestRegistry();
  }, 30_000);
  afterAll(() => registry?.stop());

  it('runs on Postgres when it is provided, and it is under CI', () => {
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  /** A fresh base repository per test, so tests do not see each other's pushes. */
  const newBase = (name: string) => {
    repoCounter++;
    const repo = {
      registry: registry.host,
      repository: `follows/${name}-${repoCounter}`,
    };
    return {
      reference: `${registry.host}/${repo.repository}:1`,
      push: (revision: string) =>
        pushPlatformManifest(pusher, repo, amd64, revision, '1'),
    };
  };

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    /** Three images on two bases, and one built FROM the first image; all built. */
    const setUp = async (
      more: Partial<Parameters<typeof createPlannerHarness>[0]> = {},
    ) => {
      const os = newBase('os');
      const other = newBase('other');
      await os.push('1');
      await other.push('1');
      const quick = { delay: '0s', coalesceWindow: '0s' };
      const images: HarnessImage[] = [
        {
          name: 'lib',
          publishes: 'follows/lib:1',
          bases: [os.reference],
          rebuild: quick,
        },
        {
          name: 'tool',
          publishes: 'follows/tool:1',
          bases: [other.reference],
          rebuild: quick,
        },
        {
          name: 'cli',
          publishes: 'follows/cli:1',
          bases: [other.reference],
          rebuild: quick,
        },
      ];
      const h = await createPlannerHarness({
        databases,
        databaseId,
        registryHost: registry.host,
        images: [
          ...images,
          {
            name: 'app',
            publishes: 'follows/app:1',
            bases: [`${registry.host}/follows/lib:1`],
            rebuild: quick,
          },
        ],
        start: t0,
        ...more,
      });
      await h.observe(0);
      for (const name of ['lib', 'tool', 'cli', 'app']) await h.buildNow(name);
      return { h, os, other };
    };
    const every = ['app', 'cli', 'lib', 'tool'];
    /** The images whose last builds the last pass read. */
    const lastRead = (h: { lastBuildReads: string[][] }) =>
      h.lastBuildReads[h.lastBuildReads.length - 1];

    it('plans nothing and reads no build when nothing changed, then only what a new digest concerns', async () => {
      const { h, other } = await setUp();
      expect(await h.planner.runOnce()).toEqual([]);
      expect(lastRead(h)).toEqual(every);

      h.advance(MINUTE);
      expect(await h.planner.runOnce()).toEqual([]);
      expect(lastRead(h)).toEqual([]);

      await other.push('2');
      await h.observe(MINUTE);
      const planned = await h.planner.runOnce();
      expect(planned.map(p => [p.imageName, p.state])).toEqual([
        ['cli', 'queued'],
        ['tool', 'queued'],
      ]);
      expect(lastRead(h)).toEqual(['cli', 'tool']);
    });

    it('plans the images built FROM an image whose new build was pushed since the last pass', async () => {
      const { h } = await setUp();
      await h.planner.runOnce();
      h.advance(HOUR / 2);
      await h.buildNow('lib');
      const planned = await h.planner.runOnce();
      expect(planned.map(p => [p.imageName, p.cause])).toEqual([
        ['app', 'base-change'],
      ]);
      expect(lastRead(h)).toEqual(['app', 'lib']);
    });

    it('follows a cascade from a base change to the end of the rebuilds', async () => {
      const { h, os } = await setUp();
      await h.planner.runOnce();
      await os.push('2');
      await h.observe(MINUTE);
      const [lib, app] = await h.planner
        .runOnce()
        .then(plans =>
          ['lib', 'app'].map(n => plans.find(p => p.imageName === n)!),
        );
      expect(lib).toMatchObject({ state: 'queued' });
      expect(app).toMatchObject({ state: 'waiting-upstream' });

      h.advance(MINUTE);
      await h.finish(lib.runId!);
      const [appQueued] = await h.planner.runOnce();
      expect(appQueued).toMatchObject({ imageName: 'app', state: 'queued' });

      h.advance(MINUTE);
      await h.finish(appQueued.runId!);
      expect(await h.planner.runOnce()).toEqual([]);
      h.advance(10 * MINUTE);
      expect(await h.planner.runOnce()).toEqual([]);
      expect(lastRead(h)).toEqual([]);
    });

    it('plans every image after a restart, and sees what changed while it was down', async () => {
      const { h, other } = await setUp();
      await h.planner.runOnce();
      await other.push('2');
      await h.observe(MINUTE);

      const restarted = h.newPlanner();
      const planned = await restarted.runOnce();
      expect(planned.map(p => p.imageName)).toEqual(['cli', 'tool']);
      expect(lastRead(h)).toEqual(every);
    });

    it('plans every image when images.yaml changed, and builds a changed config', async () => {
      const { h } = await setUp({ triggers: {} });
      // The first pass records what each image was built from.
      await h.planner.runOnce();
      h.advance(MINUTE);
      expect(await h.planner.runOnce()).toEqual([]);
      expect(lastRead(h)).toEqual([]);

      h.entities.find(e => e.metadata.name === 'tool')!.spec.buildArgs = {
        VERSION: '2',
      };
      h.advance(MINUTE);
      const planned = await h.planner.runOnce();
      expect(planned.map(p => [p.imageName, p.cause])).toEqual([
        ['tool', 'config-change'],
      ]);
      expect(lastRead(h)).toEqual(every);
    });

    it('plans every image at least once an hour, whatever changed', async () => {
      const { h } = await setUp();
      await h.planner.runOnce();
      h.advance(30 * MINUTE);
      await h.planner.runOnce();
      expect(lastRead(h)).toEqual([]);
      h.advance(30 * MINUTE);
      await h.planner.runOnce();
      expect(lastRead(h)).toEqual(every);
    });
  });
});
