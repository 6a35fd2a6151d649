import { stringifyEntityRef } from '@backstage/catalog-model';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { DependencyGraph, storedReferenceKey, trackingKey } from '../tracking';
import { planningOrder, PlanningOrder } from './planningOrder';
import { PlannerGraph } from './types';

/** Images the factory builds: managed ones, and base images with a source. */
export const isBuildable = (image: ImageEntityV1alpha1) =>
  image.spec.type !== 'external' && !!image.spec.source;

/**
 * What a pass knows of the images and the graph before it reads the
 * database: the planning order, and who depends on what, so that a change
 * finds the images it concerns without visiting the others.
 */
export interface PassContext extends PlanningOrder {
  /** The images of images.yaml as the planner last read them. */
  images: ImageEntityV1alpha1[];
  /** What of images.yaml the planner reads, as text: another text, another images.yaml. */
  fingerprint: string;
  /** The dependency graph the context was built for. */
  graph: DependencyGraph;
  /** The buildable images' names. */
  managedNames: Set<string>;
  /** Entity ref of each buildable image, by name. */
  refOfName: Map<string, string>;
  /** The buildable images built FROM each buildable image. */
  downstreamOf: Map<string, string[]>;
  /** The buildable images using each watched base, by its key in the digest store. */
  usersOfBase: Map<string, string[]>;
}

/** What of the images a planning pass reads (names, references, sources, policies). */
export function imagesFingerprint(images: ImageEntityV1alpha1[]): string {
  return JSON.stringify(
    images.map(i => [i.metadata.name, i.metadata.namespace, i.spec]),
  );
}

/**
 * The pass context of `images` and `snapshot`: the previous one while neither
 * changed (the same graph, and images.yaml read again to the same entries),
 * else a new one. `changed` says which.
 */
export function passContext(
  previous: PassContext | undefined,
  images: ImageEntityV1alpha1[],
  snapshot: PlannerGraph,
): { context: PassContext; changed: boolean } {
  if (previous && previous.graph === snapshot.graph) {
    if (previous.images === images) {
      return { context: previous, changed: false };
    }
    const fingerprint = imagesFingerprint(images);
    if (fingerprint === previous.fingerprint) {
      previous.images = images;
      return { context: previous, changed: false };
    }
  }
  const managed = images.filter(isBuildable);
  const order = planningOrder(managed, snapshot);
  const downstreamOf = new Map<string, string[]>();
  const usersOfBase = new Map<string, string[]>();
  for (const entityRef of order.byRef.keys()) {
    for (const u of order.upstreamOf(entityRef)) {
      downstreamOf.set(u, [...(downstreamOf.get(u) ?? []), entityRef]);
    }
    for (const base of new Set(snapshot.basesOf(entityRef))) {
      const tracked = trackingKey(base);
      if (!tracked) continue;
      const key = storedReferenceKey(tracked);
      const users = usersOfBase.get(key) ?? [];
      users.push(entityRef);
      usersOfBase.set(key, users);
    }
  }
  return {
    changed: true,
    context: {
      ...order,
      images,
      fingerprint: imagesFingerprint(images),
      graph: snapshot.graph,
      managedNames: new Set(managed.map(i => i.metadata.name)),
      refOfName: new Map(
        managed.map(i => [i.metadata.name, stringifyEntityRef(i)]),
      ),
      downstreamOf,
      usersOfBase,
    },
  };
}

/** `seeds` and every buildable image built FROM them, directly or not. */
export function withDependents(
  context: PassContext,
  seeds: Iterable<string>,
): Set<string> {
  const found = new Set<string>();
  const stack = [...seeds].filter(e => context.byRef.has(e));
  while (stack.length > 0) {
    const entityRef = stack.pop()!;
    if (found.has(entityRef)) continue;
    found.add(entityRef);
    stack.push(...(context.downstreamOf.get(entityRef) ?? []));
  }
  return found;
}
