import { stringifyEntityRef } from '@backstage/catalog-model';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { referenceKey } from '../tracking';
import { acyclicOrder } from './acyclicOrder';
import { PlannerGraph } from './types';

/** The images of one planning pass and how they depend on each other. */
export interface PlanningOrder {
  /** The images the factory builds, by entity ref. */
  byRef: Map<string, ImageEntityV1alpha1>;
  /** The members of each dependency cycle, by member. */
  cycleOf: Map<string, string[]>;
  /** The factory-built images an image is built FROM (not itself). */
  upstreamOf(entityRef: string): string[];
  /** Cycle members first, then every image after its upstream images. */
  order: string[];
}

/**
 * The order one pass plans the images in. Cycle members come first: they
 * are blocked whatever their upstream does, and their dependents then see
 * them blocked.
 */
export function planningOrder(
  managed: ImageEntityV1alpha1[],
  snapshot: PlannerGraph,
): PlanningOrder {
  const byRef = new Map(managed.map(i => [stringifyEntityRef(i), i]));
  const publishers = new Map<string, string>();
  for (const [entityRef, image] of byRef) {
    publishers.set(referenceKey(image.spec.reference), entityRef);
  }
  const cycleOf = new Map<string, string[]>();
  for (const cycle of snapshot.graph.findCycles()) {
    for (const member of cycle) cycleOf.set(member, cycle);
  }
  const upstreamOf = (entityRef: string) => [
    ...new Set(
      snapshot
        .basesOf(entityRef)
        .map(b => publishers.get(referenceKey(b)))
        .filter((e): e is string => !!e && e !== entityRef && byRef.has(e)),
    ),
  ];
  const order = [
    ...[...cycleOf.keys()].filter(e => byRef.has(e)).sort(),
    ...acyclicOrder(
      [...byRef.keys()].filter(e => !cycleOf.has(e)),
      upstreamOf,
    ),
  ];
  return { byRef, cycleOf, upstreamOf, order };
}
