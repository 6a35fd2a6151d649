import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { DependencyGraph } from '../tracking';
import { planningOrder } from './planningOrder';

const R = 'localhost:5000';
const image = (name: string) =>
  imageEntity({
    name,
    registry: R,
    repository: `apps/${name}`,
    tag: '1',
    platforms: ['linux/amd64'],
  });
const e = (name: string) => `image:default/${name}`;

/** The planner's view of a graph: each image's bases, by entity ref. */
function snapshot(bases: Record<string, string[]>) {
  const graph = DependencyGraph.build(
    Object.entries(bases).map(([name, b]) => ({
      entityRef: e(name),
      reference: `${R}/apps/${name}:1`,
      bases: b,
    })),
  );
  return {
    graph,
    basesOf: (entityRef: string) =>
      bases[entityRef.replace('image:default/', '')] ?? [],
  };
}

describe('planningOrder', () => {
  it('puts cycle members first, then every image after its upstream images', () => {
    const images = ['app', 'runtime', 'os', 'loop-a', 'loop-b'].map(image);
    const { order, cycleOf, upstreamOf } = planningOrder(
      images,
      snapshot({
        app: [`${R}/apps/runtime:1`, `${R}/apps/os`],
        runtime: [`${R}/apps/os:1`],
        os: ['debian:12'],
        'loop-a': [`${R}/apps/loop-b:1`],
        'loop-b': [`${R}/apps/loop-a:1`],
      }),
    );
    expect(order).toEqual([
      e('loop-a'),
      e('loop-b'),
      e('os'),
      e('runtime'),
      e('app'),
    ]);
    expect(cycleOf.get(e('loop-a'))).toEqual([e('loop-a'), e('loop-b')]);
    // `apps/os` is `apps/os:latest`, which nothing publishes.
    expect(upstreamOf(e('app'))).toEqual([e('runtime')]);
    expect(upstreamOf(e('os'))).toEqual([]);
  });
});
