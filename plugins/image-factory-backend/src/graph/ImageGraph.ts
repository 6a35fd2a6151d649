import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  DependencyGraphEdge,
  DependencyGraphNode,
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

/** What the graph is built from, apart from digests: rebuilt only when it changes. */
interface Structure {
  images: ImageEntityV1alpha1[];
  fingerprint: string;
  resolverVersion: number;
  graph: DependencyGraph;
  basesByImage: Map<string, ResolvedBase[]>;
  known: Set<string>;
  /** The nodes without their digests, in the answer's order. */
  nodes: DependencyGraphNode[];
  /** Each node's key in the digest store, when tracking may watch it. */
  digestKeys: Array<string | undefined>;
  edges: DependencyGraphEdge[];
  cycles: string[][];
  problems: string[];
  sourceProblems: ImageSourceProblem[];
}

/** What of an image the graph reads: another value, another graph. */
function graphFingerprint(images: ImageEntityV1alpha1[]): string {
  return JSON.stringify(
    images.map(i => [
      i.metadata.name,
      i.metadata.namespace,
      i.spec.reference,
      i.spec.type,
      i.spec.platforms,
    ]),
  );
}

/**
 * The dependency graph of images.yaml (each image's published reference) and
 * the bases resolved from the Dockerfiles. Bases that no entry describes
 * become `discovered` nodes with an Image entity of their own. Digests come
 * from tracking, when it watches the reference.
 *
 * The graph is built again only when images.yaml (a new list of images whose
 * graph fields differ) or the resolved bases changed; each answer then costs
 * one query of the current digests, and is the same snapshot object while
 * those are unchanged too, so that the planner can tell a new graph from the
 * same one.
 */
export class ImageGraph implements ImageGraphService {
  private structure?: Structure;
  private usage?: { version: number; usage: Map<string, string[]> };
  private answered?: {
    structure: Structure;
    digests: Array<string | undefined>;
    snapshot: ImageGraphSnapshot;
  };

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
    const version = this.options.resolver.version();
    if (this.usage?.version !== version) {
      const usage = new Map<string, Set<string>>();
      for (const image of this.options.resolver.list()) {
        for (const base of image.bases) {
          const key = storedReferenceKey(base.reference);
          usage.set(key, (usage.get(key) ?? new Set()).add(image.entityRef));
        }
      }
      this.usage = {
        version,
        usage: new Map([...usage].map(([key, users]) => [key, [...users]])),
      };
    }
    return new Map(
      [...this.usage.usage].map(([key, users]) => [key, [...users]]),
    );
  }

  async sourceProblems(): Promise<ImageSourceProblem[]> {
    await this.options.resolver.load();
    return this.currentStructure().sourceProblems;
  }

  async getGraph(): Promise<ImageGraphSnapshot> {
    await this.options.resolver.load();
    const structure = this.currentStructure();
    const digests = await this.digestsOf(structure);
    const answered = this.answered;
    if (
      answered?.structure === structure &&
      answered.digests.every((d, i) => d === digests[i])
    ) {
      return answered.snapshot;
    }
    const nodes = structure.nodes.map((node, i) =>
      digests[i] ? { ...node, digest: digests[i] } : node,
    );
    const { basesByImage, known } = structure;
    const snapshot: ImageGraphSnapshot = {
      graph: structure.graph,
      response: {
        nodes,
        edges: structure.edges,
        cycles: structure.cycles,
        problems: structure.problems,
        sourceProblems: structure.sourceProblems,
      },
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
    this.answered = { structure, digests, snapshot };
    return snapshot;
  }

  /** The structure of the current images and resolved bases, built again only when they changed. */
  private currentStructure(): Structure {
    const images = this.options.images();
    const resolverVersion = this.options.resolver.version();
    const cached = this.structure;
    if (cached?.resolverVersion === resolverVersion) {
      if (cached.images === images) return cached;
      // images.yaml read again: the same entries give the same graph.
      const fingerprint = graphFingerprint(images);
      if (cached.fingerprint === fingerprint) {
        cached.images = images;
        return cached;
      }
    }
    this.structure = this.build(images, resolverVersion);
    return this.structure;
  }

  private build(
    images: ImageEntityV1alpha1[],
    resolverVersion: number,
  ): Structure {
    const { resolver } = this.options;
    const problems: string[] = [];
    const basesByImage = new Map<string, ResolvedBase[]>();
    const known = new Set<string>();
    const graphImages: GraphImage[] = [];
    const entities = new Map<string, ImageEntityV1alpha1>();
    const published = new Map<string, string>();
    const sourceProblems: ImageSourceProblem[] = [];
    for (const image of images) {
      const entityRef = stringifyEntityRef(image);
      const name = image.metadata.name;
      for (const problem of resolver.get(entityRef)?.problems ?? []) {
        // The resolver writes `name: message` for logs; the name is a field here.
        const message = problem.startsWith(`${name}: `)
          ? problem.slice(name.length + 2)
          : problem;
        sourceProblems.push({ entityRef, imageName: name, message });
      }
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
      const resolved = resolver.get(entityRef);
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
      if (image) {
        nodes.push({
          id: node.reference,
          entityRef: node.entityRef,
          type: image.spec.type,
          reference: image.spec.reference,
          platforms: image.spec.platforms,
          ...(image.spec.type !== 'external' &&
          image.spec.source &&
          !known.has(node.entityRef!)
            ? { basesUnknown: true }
            : {}),
        });
      } else {
        nodes.push({
          id: node.reference,
          entityRef: `image:default/${discoveredBaseName(node.reference)}`,
          type: 'discovered',
          reference: node.reference,
          platforms: [...(usedFor.get(node.reference) ?? [])].sort(byString),
        });
      }
    }
    const level = levels(nodes, edges);
    nodes.sort(
      (a, b) => level.get(a.id)! - level.get(b.id)! || byString(a.id, b.id),
    );

    const keyOf = (entityRef: string) =>
      referenceKey(entities.get(entityRef)!.spec.reference);
    return {
      images,
      fingerprint: graphFingerprint(images),
      resolverVersion,
      graph,
      basesByImage,
      known,
      nodes,
      digestKeys: nodes.map(n => {
        const tracked = trackingKey(n.reference);
        return tracked && storedReferenceKey(tracked);
      }),
      edges,
      cycles: graph.findCycles().map(c => c.map(keyOf)),
      problems,
      sourceProblems,
    };
  }

  /** Each node's current digest, from one query of the digest store. */
  private async digestsOf(
    structure: Structure,
  ): Promise<Array<string | undefined>> {
    if (!this.options.digests) return structure.nodes.map(() => undefined);
    const current = new Map(
      (await this.options.digests.listCurrent()).map(c => [
        c.reference,
        c.digest.digest,
      ]),
    );
    return structure.digestKeys.map(k => (k ? current.get(k) : undefined));
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
