import { TestDatabases } from '@backstage/backend-test-utils';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { migrateDatabase, StageStore } from '../database';
import { AutoPromotionScope, AutoPromotionSources } from './AutoPromotionScope';

jest.setTimeout(60_000);

const staged = (
  name: string,
  stages: string[] | undefined,
  soak?: string,
): ImageEntityV1alpha1 => {
  const image = imageEntity({
    name,
    registry: 'registry.example.com',
    repository: `apps/${name}`,
    platforms: ['linux/amd64'],
  });
  if (stages) image.spec.stages = stages;
  if (soak) {
    image.spec.stagePolicies = [
      { name: stages![0] },
      { name: stages![1], promotion: 'auto', soak },
    ];
  }
  return image;
};

/** Sources that answer from sets the test fills, and record what was asked. */
function fakeSources() {
  const history = new Set<string>();
  const runs: string[] = [];
  const stages: string[] = [];
  const asked: { history: string[][]; runsSince: Date[]; stagesSince: Date[] } =
    { history: [], runsSince: [], stagesSince: [] };
  const sources: AutoPromotionSources = {
    withHistory: async names => {
      asked.history.push(names);
      return new Set(names.filter(n => history.has(n)));
    },
    runsChangedSince: async since => {
      asked.runsSince.push(since);
      return runs.splice(0);
    },
    stagesChangedSince: async since => {
      asked.stagesSince.push(since);
      return stages.splice(0);
    },
  };
  return { sources, history, runs, stages, asked };
}

const names = (images: ImageEntityV1alpha1[]) =>
  images.map(i => i.metadata.name);

describe('AutoPromotionScope', () => {
  const t0 = new Date('2026-12-07T10:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  it('looks at what changed since the last pass, not at every image', async () => {
    const { sources, history, runs, stages, asked } = fakeSources();
    const scope = new AutoPromotionScope(sources);
    const images = [
      staged('built', ['dev', 'prod']),
      staged('new', ['dev', 'prod']),
      staged('other', ['dev']),
      // No stages: nothing to promote, never asked about.
      staged('plain', undefined),
    ];
    history.add('built');

    // The first pass: every image with an auto stage that has a history.
    expect(names(await scope.select(images, at(0)))).toEqual(['built']);
    expect(asked.history).toEqual([['built', 'new', 'other']]);
    expect(asked.runsSince).toEqual([]);

    // Nothing new: nothing to look at, and no image asked about.
    expect(await scope.select(images, at(1))).toEqual([]);
    expect(asked.history[1]).toEqual([]);
    // Runs since five minutes before the previous pass (clocks may differ).
    expect(asked.runsSince[0]).toEqual(at(-5));

    // A run of `new` ended, a stage of `other` changed.
    runs.push('new');
    stages.push('other');
    expect(names(await scope.select(images, at(2)))).toEqual(['new', 'other']);

    // A pass that failed for an image looks at it again.
    scope.failed('built');
    expect(names(await scope.select(images, at(3)))).toEqual(['built']);
    expect(await scope.select(images, at(4))).toEqual([]);

    // New stage policies: asked about that image alone; a soak of a day
    // makes the stage window start a day before.
    const changed = [...images];
    changed[2] = staged('other', ['dev', 'prod'], '1d');
    history.add('other');
    expect(names(await scope.select(changed, at(5)))).toEqual(['other']);
    expect(asked.history.at(-1)).toEqual(['other']);
    expect(asked.stagesSince.at(-1)).toEqual(at(4 - 5 - 24 * 60));

    // An hour after the first, a full pass again.
    asked.history.length = 0;
    await scope.select(changed, at(60));
    expect(asked.history).toEqual([['built', 'new', 'other']]);
  });

  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'reads which images have stage states, which changed since, and a stamp of what the overview shows, from the database (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex });
      const store = StageStore.create({ client: knex });
      const move = (id: string, imageName: string, createdAt: Date) =>
        store.begin({
          id,
          imageName,
          stage: 'dev',
          action: 'promote',
          toDigest: `sha256:${'a'.repeat(64)}`,
          status: 'pending',
          trigger: 'auto',
          createdAt,
        });
      const empty = await store.overviewStamp();
      await move('m1', 'held', at(0));
      const pending = await store.overviewStamp();
      expect(pending).toBe(empty);
      await store.complete('m1', at(1));
      const held = await store.overviewStamp();
      expect(held).not.toBe(empty);
      await move('m2', 'moving', at(10));
      const stamp = await store.overviewStamp();
      expect(stamp).toBe(held);

      expect(await store.withStates(['held', 'moving', 'none'])).toEqual(
        new Set(['held']),
      );
      expect((await store.changedSince(at(0))).sort()).toEqual([
        'held',
        'moving',
      ]);
      // After the state changed: only the move begun later.
      expect(await store.changedSince(at(2))).toEqual(['moving']);
      expect(await store.changedSince(at(11))).toEqual([]);

      // A move that waits for a gate is on the overview: the stamp moves.
      await store.begin({
        id: 'm3',
        imageName: 'gated',
        stage: 'prod',
        action: 'promote',
        toDigest: `sha256:${'b'.repeat(64)}`,
        status: 'waiting',
        waitingFor: 'verification',
        trigger: 'user',
        createdAt: at(10),
      });
      const verifying = await store.overviewStamp();
      expect(verifying).not.toBe(stamp);
      // ... and when it passes one gate to wait for the next.
      expect(await store.advance('m3', { waitingFor: 'approval' })).toBe(true);
      expect(await store.overviewStamp()).not.toBe(verifying);
    },
  );
});
