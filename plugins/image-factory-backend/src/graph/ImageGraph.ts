import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  DependencyGraphEdge,
  DependencyGraphNode,
  DependencyGraphResponse,
  ImageEntityV1alpha1,
  ImageSourceProblem,
} from '@image-factory/plugin-image-factory-common';
import { usedWithFixedPlatform } from '../analysis';
import { DigestStore } from '../database';
import {
  DependencyGraph,
  GraphImage,
  referenceKey,
  storedReferenceKey,
  trackingKey,
} from '../tracking';
import { discoveredBaseName } from './discoveredBaseName';
import { ImageBasesResolver } from './ImageBasesResolver';
import { ImageGraphService, ImageGraphSnapshot, ResolvedBase } from './types';

const byString = (a: string, b: string) => (a < b ? -1 : Number(a > b));

/**
 * The dependency graph of images.yaml (each image's published reference) and
 * the bases resolved from the Dockerfiles. Bases that no entry describes
 * become `discovered` nodes with an Image entity of their own. Digests come
 * from tracking, when it watches the reference.
 */
export class ImageGraph implements ImageGraphService {
  constructor(
    private readonly options: {
      images: () => ImageEntityV1alpha1[];
      resolver: ImageBasesResolver;
      /** Absent when tracking is disabled. */
      digests?: DigestStore;
    },
  ) {}

  baseReferences(): string[] {
    return [...this.baseUsage().keys()].sort(byString);
  }

  /**
   * Each base reference (its {@link referenceKey}, so that `ubuntu` and
   * `ubuntu:latest` are one) and the Image entities whose Dockerfiles use it.
   */
  baseUsage(): Map<string, string[]> {
    const usage = new Map<string, Set<string>>();
    for (const image of this.options.resolver.list()) {
      for (const base of image.bases) {
        const key = storedReferenceKey(base.reference);
        usage.set(key, (usage.get(key) ?? new Set()).add(image.entityRef));
      }
    }
    return new Map([...usage].map(([key, users]) => [key, [...users]]));
  }

  async sourceProblems(): Promise<ImageSourceProblem[]> {
    await this.options.resolver.load();
    const found: ImageSourceProblem[] = [];
    for (const image of this.options.images()) {
      const entityRef = stringifyEntityRef(image);
      const name = image.metadata.name;
      for (const problem of this.options.resolver.get(entityRef)?.problems ??
        []) {
        // The resolver writes `name: message` for logs; the name is a field here.
        const message = problem.startsWith(`${name}: `)
          ? problem.slice(name.length + 2)
          : problem;
        found.push({ entityRef, imageName: name, message });
      }
    }
    return found;
  }

  async getGraph(): Promise<ImageGraphSnapshot> {
    await this.options.resolver.load();
    const problems: string[] = [];
    const basesByImage = new Map<string, ResolvedBase[]>();
    const known = new Set<string>();
    const graphImages: GraphImage[] = [];
    const entities = new Map<string, ImageEntityV1alpha1>();
    const published = new Map<string, string>();
    for (const image of this.options.images()) {
      const entityRef = stringifyEntityRef(image);
      const key = referenceKey(image.spec.reference);
      const other = published.get(key);
      if (other) {
        problems.push(
          `${image.metadata.name}: publishes ${key}, which ${other} publishes too; left out of the graph`,
        );
        continue;
      }
      published.set(key, entityRef);
      entities.set(entityRef, image);
      const resolved = this.options.resolver.get(entityRef);
      if (resolved) known.add(entityRef);
      const bases = resolved?.bases ?? [];
      basesByImage.set(entityRef, bases);

      graphImages.push({
        entityRef,
        reference: image.spec.reference,
        bases: bases.map(b => b.reference),
      });
    }
    const graph = DependencyGraph.build(graphImages);

    // Platforms each base is used for, for discovered bases' entities.
    const usedFor = new Map<string, Set<string>>();
    const edges: DependencyGraphEdge[] = [];
    for (const [entityRef, bases] of basesByImage) {
      const to = referenceKey(entities.get(entityRef)!.spec.reference);
      for (const from of new Set(bases.map(b => referenceKey(b.reference)))) {
        edges.push({ from, to });
      }
      for (const base of bases) {
        const key = referenceKey(base.reference);
        const set = usedFor.get(key) ?? new Set();
        base.platforms.forEach(p => set.add(p));
        usedFor.set(key, set);
      }
    }
    edges.sort((a, b) => byString(a.from, b.from) || byString(a.to, b.to));

    const nodes: DependencyGraphNode[] = [];
    for (const node of graph.nodes()) {
      const image = node.entityRef ? entities.get(node.entityRef) : undefined;
      const digest = await this.digestOf(node.reference);
      if (image) {
        nodes.push({
          id: node.reference,
          entityRef: node.entityRef,
          type: image.spec.type,
          reference: image.spec.reference,
          platforms: image.spec.platforms,
          ...(digest ? { digest } : {}),
        });
      } else {
        nodes.push({
          id: node.reference,
          entityRef: `image:default/${discoveredBaseName(node.reference)}`,
          type: 'discovered',
          reference: node.reference,
          platforms: [...(usedFor.get(node.reference) ?? [])].sort(byString),
          ...(digest ? { digest } : {}),
        });
      }
    }
    const level = levels(nodes, edges);
    nodes.sort(
      (a, b) => level.get(a.id)! - level.get(b.id)! || byString(a.id, b.id),
    );

    const keyOf = (entityRef: string) =>
      referenceKey(entities.get(entityRef)!.spec.reference);
    const response: DependencyGraphResponse = {
      nodes,
      edges,
      cycles: graph.findCycles().map(c => c.map(keyOf)),
      problems,
      sourceProblems: await this.sourceProblems(),
    };
    return {
      graph,
      response,
      basesOf(entityRef: string, platform?: string) {
        return (basesByImage.get(entityRef) ?? [])
          .filter(b => !platform || b.platforms.includes(platform))
          .map(b => b.reference);
      },
      basesKnown(entityRef: string) {
        return known.has(entityRef);
      },
      fixedPlatformBasesOf(entityRef: string) {
        return (basesByImage.get(entityRef) ?? [])
          .filter(usedWithFixedPlatform)
          .map(b => b.reference);
      },
    };
  }

  private async digestOf(reference: string): Promise<string | undefined> {
    const key = trackingKey(reference);
    if (!key || !this.options.digests) return undefined;
    return (await this.options.digests.getCurrent(key))?.digest.digest;
  }
}

/** Each node's longest distance from a node without bases; a cycle is cut where it is met. */
function levels(
  nodes: DependencyGraphNode[],
  edges: DependencyGraphEdge[],
): Map<string, number> {
  const upstream = new Map<string, string[]>();
  for (const e of edges) {
    upstream.set(e.to, [...(upstream.get(e.to) ?? []), e.from]);
  }
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const l = Math.max(-1, ...(upstream.get(id) ?? []).map(visit)) + 1;
    visiting.delete(id);
    level.set(id, l);
    return l;
  };
  nodes.forEach(n => visit(n.id));
  return level;
}
