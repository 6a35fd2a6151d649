import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { lifecycleOverview } from './lifecycleOverview';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const run = (
  id: string,
  index: string,
  finishedAt: string,
  base: string,
): BuildRun =>
  ({
    id,
    imageName: id.split('-')[0],
    status: 'succeeded',
    indexDigest: index,
    createdAt: finishedAt,
    finishedAt,
    inputs: { platforms: ['linux/amd64'], baseDigests: { 'os:1': base } },
  } as unknown as BuildRun);

describe('lifecycleOverview', () => {
  const images = ['web', 'api', 'new'].map(name =>
    imageEntity({
      name,
      registry: 'registry.example',
      repository: `apps/${name}`,
      platforms: ['linux/amd64'],
      stages: ['dev', 'prod'],
    }),
  );
  const runs = new Map<string, BuildRun[]>([
    [
      'web',
      [
        run('web-2', digest('b'), '2026-12-06T10:00:00Z', digest('2')),
        run('web-1', digest('a'), '2026-12-05T10:00:00Z', digest('1')),
      ],
    ],
    ['api', [run('api-1', digest('c'), '2026-12-06T09:00:00Z', digest('2'))]],
  ]);
  const sources = {
    states: async () => [
      {
        imageName: 'web',
        stage: 'prod',
        digest: digest('a'),
        updatedAt: new Date('2026-12-05T11:00:00Z'),
      },
    ],
    waiting: async () => [],
    currentBases: async (refs: string[]) =>
      new Map(
        refs.map(ref => [
          ref,
          { digest: digest('2'), since: new Date('2026-11-01T00:00:00Z') },
        ]),
      ),
  };
  const options = {
    staleAfterMs: 7 * 86_400_000,
    now: new Date('2026-12-07T00:00:00Z'),
  };

  it('reads every image runs in one batch, with what reading them one by one gives', async () => {
    const oneByOne = jest.fn(async (name: string) => runs.get(name) ?? []);
    const expected = await lifecycleOverview(
      images,
      { ...sources, runs: oneByOne },
      options,
    );
    expect(oneByOne).toHaveBeenCalledTimes(3);

    const perImage = jest.fn(async (name: string) => runs.get(name) ?? []);
    const batched = jest.fn(async (names: string[]) => {
      expect(names).toEqual(['web', 'api', 'new']);
      return runs;
    });
    const rows = await lifecycleOverview(
      images,
      { ...sources, runs: perImage, runsOf: batched },
      options,
    );
    expect(rows).toEqual(expected);
    expect(batched).toHaveBeenCalledTimes(1);
    expect(perImage).not.toHaveBeenCalled();
    // What the rows say: web's prod is one version behind and stale.
    expect(rows[0].stages[1]).toMatchObject({
      digest: digest('a'),
      versionsBehind: 1,
      stale: { base: 'os:1' },
    });
    expect(rows[2].newestDigest).toBeUndefined();
  });
});
