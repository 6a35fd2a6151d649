import { InputError } from '@backstage/errors';
import { DependencyCycleError } from './errors';
import { referenceKey } from './referenceKey';

/** The default depth cap of a predicted cascade. */
export const DEFAULT_CASCADE_MAX_DEPTH = 10;

/** An image as the graph needs it. */
export interface GraphImage {
  entityRef: string;
  /** Canonical reference the image publishes. */
  reference: string;
  /** Canonical references of its bases (from the Dockerfile analysis). */
  bases: string[];
}

/** A node: a managed image, or an external base no managed image publishes. */
export interface GraphNode {
  /** The reference's {@link referenceKey}: `registry/repository:tag` or `registry/repository@digest`. */
  reference: string;
  /** Set when a managed image publishes the reference. */
  entityRef?: string;
}

/** One image of a predicted cascade. */
export interface CascadeStep {
  entityRef: string;
  /** 1 for a direct dependent of the changed reference; the longest path otherwise. */
  depth: number;
  /** The references (graph keys) through which the change reaches the image, sorted. */
  via: string[];
}

/** What a change of one reference would rebuild. */
export interface CascadePrediction {
  /** Graph key of the changed reference. */
  reference: string;
  /** Rebuilds in order: every image after all of its upstream images. */
  rebuilds: CascadeStep[];
  /** Images the change reaches beyond the depth cap, not rebuilt. */
  cut: CascadeStep[];
}

const byString = (a: string, b: string) => (a < b ? -1 : Number(a > b));

/**
 * Images and the bases they build FROM. An image built FROM a managed image
 * links to it through that image's published reference, so a change of a
 * base cascades down to images several levels below.
 */
export class DependencyGraph {
  /** Published key → image. */
  private readonly publishers = new Map<string, GraphImage>();
  /** Image entity ref → graph key of what it publishes. */
  private readonly publishedBy = new Map<string, string>();
  /** Image entity ref → graph keys of its bases. */
  private readonly basesOf = new Map<string, Set<string>>();
  /** Base key → entity refs of the images built FROM it. */
  private readonly dependents = new Map<string, Set<string>>();

  /** Throws `InputError` when two images share an entity ref or a published reference. */
  static build(images: GraphImage[]): DependencyGraph {
    return new DependencyGraph(images);
  }

  private constructor(images: GraphImage[]) {
    for (const image of images) {
      const key = referenceKey(image.reference);
      const other = this.publishers.get(key);
      if (other) {
        throw new InputError(
          `${image.entityRef}: publishes ${key}, which ${other.entityRef} publishes too`,
        );
      }
      if (this.publishedBy.has(image.entityRef)) {
        throw new InputError(`${image.entityRef}: listed twice`);
      }
      this.publishers.set(key, image);
      this.publishedBy.set(image.entityRef, key);
      const bases = new Set(image.bases.map(referenceKey));
      this.basesOf.set(image.entityRef, bases);
      for (const base of bases) {
        const set = this.dependents.get(base) ?? new Set();
        set.add(image.entityRef);
        this.dependents.set(base, set);
      }
    }
  }

  /** Every node, sorted by reference. */
  nodes(): GraphNode[] {
    const keys = new Set([
      ...this.publishers.keys(),
      ...this.dependents.keys(),
    ]);
    return [...keys].sort(byString).map(reference => {
      const image = this.publishers.get(reference);
      return image ? { reference, entityRef: image.entityRef } : { reference };
    });
  }

  /** Entity refs of the images built directly FROM the reference, sorted. */
  dependentsOf(reference: string): string[] {
    return [...(this.dependents.get(referenceKey(reference)) ?? [])].sort(
      byString,
    );
  }

  /** Each cycle's members (entity refs, sorted); an image FROM itself is a cycle of one. */
  findCycles(): string[][] {
    // Tarjan's strongly connected components over image → managed base edges.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let counter = 0;
    const visit = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      for (const next of this.upstreamImages(node)) {
        if (!index.has(next)) {
          visit(next);
          low.set(node, Math.min(low.get(node)!, low.get(next)!));
        } else if (onStack.has(next)) {
          low.set(node, Math.min(low.get(node)!, index.get(next)!));
        }
      }
      if (low.get(node) === index.get(node)) {
        const members: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          members.push(member);
        } while (member !== node);
        if (members.length > 1 || this.upstreamImages(node).includes(node)) {
          cycles.push(members.sort(byString));
        }
      }
    };
    for (const entityRef of [...this.basesOf.keys()].sort(byString)) {
      if (!index.has(entityRef)) visit(entityRef);
    }
    return cycles.sort((a, b) => byString(a[0], b[0]));
  }

  /** Entity refs of all images, every image after the managed images it builds FROM. */
  topologicalOrder(): string[] {
    return this.order(new Set(this.basesOf.keys()));
  }

  /**
   * What a change of `reference` rebuilds, in order, up to `maxDepth` levels
   * below it (default {@link DEFAULT_CASCADE_MAX_DEPTH}). The image that
   * publishes `reference` is not part of its own cascade.
   */
  predictCascade(
    reference: string,
    options: { maxDepth?: number } = {},
  ): CascadePrediction {
    const maxDepth = options.maxDepth ?? DEFAULT_CASCADE_MAX_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 0) {
      throw new InputError(
        `maxDepth: must be a non-negative integer, got ${maxDepth}`,
      );
    }
    const start = referenceKey(reference);
    const reached = new Set<string>();
    const queue = [...(this.dependents.get(start) ?? [])];
    while (queue.length) {
      const entityRef = queue.shift()!;
      if (reached.has(entityRef)) continue;
      reached.add(entityRef);
      queue.push(...this.downstreamImages(entityRef));
    }
    const depth = new Map<string, number>();
    const steps: CascadeStep[] = [];
    for (const entityRef of this.order(reached)) {
      const via = [...this.basesOf.get(entityRef)!].filter(
        key =>
          key === start ||
          reached.has(this.publishers.get(key)?.entityRef ?? ''),
      );
      const upstream = via
        .map(key => this.publishers.get(key)?.entityRef)
        .filter((e): e is string => e !== undefined && reached.has(e));
      const d = Math.max(0, ...upstream.map(e => depth.get(e)!)) + 1;
      depth.set(entityRef, d);
      steps.push({ entityRef, depth: d, via: via.sort(byString) });
    }
    steps.sort(
      (a, b) => a.depth - b.depth || byString(a.entityRef, b.entityRef),
    );
    return {
      reference: start,
      rebuilds: steps.filter(s => s.depth <= maxDepth),
      cut: steps.filter(s => s.depth > maxDepth),
    };
  }

  /** Kahn's algorithm over `members`; throws {@link DependencyCycleError} on a cycle. */
  private order(members: Set<string>): string[] {
    const pending = new Map<string, number>();
    for (const entityRef of members) {
      const upstream = this.upstreamImages(entityRef).filter(e =>
        members.has(e),
      );
      pending.set(entityRef, upstream.length);
    }
    const ready = [...pending].filter(([, n]) => n === 0).map(([e]) => e);
    const out: string[] = [];
    while (ready.length) {
      ready.sort(byString);
      const next = ready.shift()!;
      out.push(next);
      for (const dependent of this.downstreamImages(next)) {
        if (!members.has(dependent)) continue;
        const n = pending.get(dependent)! - 1;
        pending.set(dependent, n);
        if (n === 0) ready.push(dependent);
      }
    }
    if (out.length < members.size) {
      const inCycle = new Set([...members].filter(e => !out.includes(e)));
      throw new DependencyCycleError(
        this.findCycles().filter(c => c.some(e => inCycle.has(e))),
      );
    }
    return out;
  }

  /** Managed images the image builds FROM, deduplicated. */
  private upstreamImages(entityRef: string): string[] {
    const out = new Set<string>();
    for (const key of this.basesOf.get(entityRef) ?? []) {
      const publisher = this.publishers.get(key);
      if (publisher) out.add(publisher.entityRef);
    }
    return [...out];
  }

  /** Images built FROM the reference the image publishes. */
  private downstreamImages(entityRef: string): string[] {
    const key = this.publishedBy.get(entityRef);
    return key ? [...(this.dependents.get(key) ?? [])] : [];
  }
}
