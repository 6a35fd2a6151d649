import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { StageStateRecord } from '../database';
import { lifecycleOverview } from './lifecycleOverview';
import { LifecycleOverviewCache } from './LifecycleOverviewCache';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const DAY = 86_400_000;
const at = (days: number) => new Date(Date.UTC(2026, 11, 1) + days * DAY);

const staged = (name: string, stages = ['dev', 'prod']) =>
  imageEntity({
    name,
    registry: 'registry.example',
    repository: `apps/${name}`,
    platforms: ['linux/amd64'],
    stages,
  });

const run = (imageName: string, index: string, base: string): BuildRun =>
  ({
    id: `${imageName}-${index}`,
    imageName,
    status: 'succeeded',
    indexDigest: digest(index),
    createdAt: at(0).toISOString(),
    finishedAt: at(0).toISOString(),
    inputs: { platforms: ['linux/amd64'], baseDigests: { 'os:1': base } },
  } as unknown as BuildRun);

/** A factory of images, stage states, runs and one base, with what was read. */
function world(maxAgeMs?: number) {
  const state = {
    images: ['web', 'api'].map(name => staged(name)),
    states: [] as StageStateRecord[],
    runs: new Map<string, BuildRun[]>(),
    base: { digest: digest('1'), since: at(0) },
    stamp: 1,
    now: at(1),
  };
  const reads = { states: 0, runs: 0, bases: 0 };
  const sources = {
    states: async (names: string[]) => {
      reads.states += 1;
      return state.states.filter(s => names.includes(s.imageName));
    },
    waiting: async () => [],
    runs: async (name: string) => state.runs.get(name) ?? [],
    runsOf: async (names: string[]) => {
      reads.runs += 1;
      return new Map(names.map(n => [n, state.runs.get(n) ?? []]));
    },
    currentBases: async (refs: string[]) => {
      reads.bases += 1;
      return new Map(refs.map(r => [r, state.base]));
    },
  };
  const cache = new LifecycleOverviewCache({
    images: () => state.images,
    sources,
    stamp: async () => String(state.stamp),
    staleAfterMs: 7 * DAY,
    now: () => state.now,
    maxAgeMs,
  });
  /** What the overview says computed from scratch, as before the cache. */
  const fresh = (images = state.images) =>
    lifecycleOverview(images, sources, {
      staleAfterMs: 7 * DAY,
      now: state.now,
    });
  return { state, reads, cache, fresh };
}

describe('LifecycleOverviewCache', () => {
  it('reads stage states and runs again only when the stamp, the images or an hour of the clock moved', async () => {
    const { state, reads, cache, fresh } = world();
    const first = await cache.overview(state.images);
    expect(first.items).toEqual(await fresh());
    expect(reads).toMatchObject({ states: 2, runs: 2 });

    // Nothing changed: nothing read, the same version.
    const again = await cache.overview(state.images);
    expect(again.version).toBe(first.version);
    expect(reads).toMatchObject({ states: 2, runs: 2 });

    // A run succeeded and dev holds it: the stamp moved.
    state.runs.set('web', [run('web', 'a', digest('1'))]);
    state.states.push({
      imageName: 'web',
      stage: 'dev',
      digest: digest('a'),
      updatedAt: at(1),
    });
    expect((await cache.overview(state.images)).version).toBe(first.version);
    state.stamp += 1;
    const promoted = await cache.overview(state.images);
    expect(promoted.version).not.toBe(first.version);
    expect(promoted.items).toEqual(await fresh());
    expect(promoted.items[0].stages[0]).toMatchObject({
      digest: digest('a'),
      versionsBehind: 0,
    });

    // New images (images.yaml read again): read again.
    const before = reads.states;
    state.images = [...state.images, staged('new')];
    const grown = await cache.overview(state.images);
    expect(reads.states).toBe(before + 1);
    expect(grown.items.map(r => r.imageName)).toEqual(['web', 'api', 'new']);

    // Past its age, read again, and the same content keeps its version.
    state.now = new Date(state.now.getTime() + 61_000);
    const aged = await cache.overview(state.images);
    expect(reads.states).toBe(before + 2);
    expect(aged.version).toBe(grown.version);
  });

  it('works out staleness at every call, from the bases held stages use', async () => {
    // Kept for a month here: the clock moves by days.
    const { state, reads, cache, fresh } = world(30 * DAY);
    state.runs.set('web', [run('web', 'a', digest('1'))]);
    state.states.push({
      imageName: 'web',
      stage: 'prod',
      digest: digest('a'),
      updatedAt: at(1),
    });
    const built = await cache.overview(state.images);
    expect(built.items[0].stages[1].stale).toBeUndefined();

    // The base moved a day later: not stale until a week has passed.
    state.base = { digest: digest('2'), since: at(2) };
    state.now = at(3);
    const moved = await cache.overview(state.images);
    expect(moved.items[0].stages[1].stale).toBeUndefined();
    expect(moved.version).toBe(built.version);

    state.now = new Date(at(9).getTime() + 1);
    const stale = await cache.overview(state.images);
    expect(stale.items[0].stages[1].stale).toEqual({
      base: 'os:1',
      replacedAt: at(2).toISOString(),
    });
    // The bases were read at every call, the stage states once.
    expect(reads).toMatchObject({ bases: 3, states: 1 });
    expect(stale.items).toEqual(await fresh());
    expect(stale.version).not.toBe(moved.version);
  });

  it('gives each caller the rows of its images, with a version of its own', async () => {
    const { state, cache, fresh } = world();
    const all = await cache.overview(state.images);
    const one = await cache.overview([state.images[1]]);
    expect(one.items).toEqual(await fresh([state.images[1]]));
    expect(one.version).not.toBe(all.version);

    // An image object that is not the factory's current one is worked out
    // from it, not from the cache.
    const changed = staged('web', ['dev', 'qa', 'prod']);
    const mine = await cache.overview([changed]);
    expect(mine.items[0].stages.map(s => s.name)).toEqual([
      'dev',
      'qa',
      'prod',
    ]);
  });
});
