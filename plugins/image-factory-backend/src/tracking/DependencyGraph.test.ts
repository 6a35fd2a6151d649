import { InputError } from '@backstage/errors';
import { DependencyGraph } from './DependencyGraph';
import { DependencyCycleError } from './errors';

const R = 'localhost:5000';
const image = (name: string, ...bases: string[]) => ({
  entityRef: `image:default/${name}`,
  reference: `${R}/apps/${name}:1`,
  bases,
});
const ref = (name: string) => `${R}/apps/${name}:1`;
const e = (name: string) => `image:default/${name}`;
const NODE = 'docker.io/library/node:22';
const DEBIAN = 'docker.io/library/debian:12';

describe('DependencyGraph', () => {
  it('keys references in Docker canonical form: one node per image, however spelled', () => {
    const pinned = `${R}/apps/a@sha256:${'a'.repeat(64)}`;
    const graph = DependencyGraph.build([
      image('a', 'ubuntu'),
      image('b', 'library/ubuntu', 'index.docker.io/library/ubuntu:latest'),
      image('c', 'docker.io/library/ubuntu:latest'),
      // Pinned by digest, with or without the tag: Docker builds from the
      // digest, so a new build of `a` does not change what `d` is built FROM.
      image('d', `${R}/apps/a:1@sha256:${'a'.repeat(64)}`, pinned),
    ]);
    expect(graph.nodes().map(n => n.reference)).toEqual([
      'docker.io/library/ubuntu:latest',
      ref('a'),
      pinned,
      ref('b'),
      ref('c'),
      ref('d'),
    ]);
    expect(graph.dependentsOf('ubuntu')).toEqual([e('a'), e('b'), e('c')]);
    expect(graph.dependentsOf(ref('a'))).toEqual([]);
    expect(graph.dependentsOf(pinned)).toEqual([e('d')]);
  });

  // base ← a ← {b, c} ← d: a diamond below a managed base image.
  const diamond = () =>
    DependencyGraph.build([
      image('d', ref('b'), ref('c')),
      image('b', ref('a')),
      image('c', `${R}/apps/a:1`, 'debian:12'),
      image('a', NODE),
    ]);

  it('lists nodes and direct dependents, external bases included', () => {
    const graph = diamond();
    expect(graph.nodes()).toEqual([
      { reference: DEBIAN },
      { reference: NODE },
      { reference: ref('a'), entityRef: e('a') },
      { reference: ref('b'), entityRef: e('b') },
      { reference: ref('c'), entityRef: e('c') },
      { reference: ref('d'), entityRef: e('d') },
    ]);
    expect(graph.dependentsOf(ref('a'))).toEqual([e('b'), e('c')]);
    expect(graph.dependentsOf(NODE)).toEqual([e('a')]);
    expect(graph.dependentsOf(ref('d'))).toEqual([]);
    expect(graph.findCycles()).toEqual([]);
  });

  it('orders a diamond bases first', () => {
    expect(diamond().topologicalOrder()).toEqual([
      e('a'),
      e('b'),
      e('c'),
      e('d'),
    ]);
  });

  it('predicts a diamond cascade with each image once, after all of its upstream', () => {
    expect(diamond().predictCascade(NODE)).toEqual({
      reference: NODE,
      rebuilds: [
        { entityRef: e('a'), depth: 1, via: [NODE] },
        { entityRef: e('b'), depth: 2, via: [ref('a')] },
        { entityRef: e('c'), depth: 2, via: [ref('a')] },
        { entityRef: e('d'), depth: 3, via: [ref('b'), ref('c')] },
      ],
      cut: [],
    });
  });

  it('orders a 3-level chain whatever the input order, and takes the longest path as depth', () => {
    const graph = DependencyGraph.build([
      image('app', ref('runtime'), ref('os')),
      image('runtime', ref('os')),
      image('os', DEBIAN),
    ]);
    expect(graph.topologicalOrder()).toEqual([e('os'), e('runtime'), e('app')]);
    expect(graph.predictCascade(DEBIAN).rebuilds).toEqual([
      { entityRef: e('os'), depth: 1, via: [DEBIAN] },
      { entityRef: e('runtime'), depth: 2, via: [ref('os')] },
      { entityRef: e('app'), depth: 3, via: [ref('os'), ref('runtime')] },
    ]);
    // The publisher of the changed reference is not in its own cascade.
    expect(
      graph.predictCascade(ref('os')).rebuilds.map(s => s.entityRef),
    ).toEqual([e('runtime'), e('app')]);
  });

  it('stops a cascade at the depth cap and reports what it cut', () => {
    const graph = DependencyGraph.build([
      image('l1', DEBIAN),
      image('l2', ref('l1')),
      image('l3', ref('l2')),
      image('l4', ref('l3')),
    ]);
    expect(graph.predictCascade(DEBIAN, { maxDepth: 2 })).toEqual({
      reference: DEBIAN,
      rebuilds: [
        { entityRef: e('l1'), depth: 1, via: [DEBIAN] },
        { entityRef: e('l2'), depth: 2, via: [ref('l1')] },
      ],
      cut: [
        { entityRef: e('l3'), depth: 3, via: [ref('l2')] },
        { entityRef: e('l4'), depth: 4, via: [ref('l3')] },
      ],
    });
    expect(graph.predictCascade(DEBIAN, { maxDepth: 0 }).rebuilds).toEqual([]);
    expect(() => graph.predictCascade(DEBIAN, { maxDepth: -1 })).toThrow(
      InputError,
    );
  });

  it('reports each cycle with its members and refuses to order it', () => {
    const graph = DependencyGraph.build([
      image('x', ref('z')),
      image('y', ref('x')),
      image('z', ref('y'), DEBIAN),
      image('self', ref('self')),
      image('fine', DEBIAN),
      image('below', ref('x')),
    ]);
    expect(graph.findCycles()).toEqual([[e('self')], [e('x'), e('y'), e('z')]]);

    const error = (() => {
      try {
        graph.topologicalOrder();
      } catch (err) {
        return err as DependencyCycleError;
      }
      throw new Error('expected a cycle error');
    })();
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect(error.cycles).toEqual([[e('self')], [e('x'), e('y'), e('z')]]);
    expect(error.message).toContain(
      '[image:default/x, image:default/y, image:default/z]',
    );
    expect(() => graph.predictCascade(DEBIAN)).toThrow(
      /\[image:default\/x, image:default\/y, image:default\/z\]/,
    );
    // A cascade that does not reach the cycle is still predicted.
    expect(graph.predictCascade(ref('fine')).rebuilds).toEqual([]);
  });

  it('refuses two images that publish the same reference, however spelled', () => {
    expect(() =>
      DependencyGraph.build([
        { ...image('a', DEBIAN), reference: 'docker.io/team/app' },
        { ...image('b', DEBIAN), reference: 'team/app:latest' },
      ]),
    ).toThrow(
      'image:default/b: publishes docker.io/team/app:latest, which image:default/a publishes too',
    );
  });
});
