import {
  BaseImageUsage,
  DependencyGraphResponse,
  ImageSourceProblem,
} from '@image-factory/plugin-image-factory-common';
import { DependencyGraph } from '../tracking';

/**
 * A base image found in an image's Dockerfile, as kept per image.
 */
export interface ResolvedBase {
  /** Canonical reference, e.g. `docker.io/library/node:22`. */
  reference: string;
  /** The digest pinned in the Dockerfile, if any. */
  digest?: string;
  /**
   * The image's platforms whose build uses this base: all of them, unless the
   * Dockerfile picks its bases with `TARGETARCH` and friends.
   */
  platforms: string[];
  /** Where the Dockerfile uses it (as analyzed for the first such platform). */
  usages: BaseImageUsage[];
}

/** What the resolver knows of one image's Dockerfile. */
export interface ImageBases {
  /** The Image entity. */
  entityRef: string;
  /** The bases, in order of first use; empty while unknown. */
  bases: ResolvedBase[];
  /** Problems met, each `file:line: message` (or a fetch error), shown not thrown. */
  problems: string[];
  /** When the Dockerfile was last analyzed. */
  analyzedAt?: Date;
}

/**
 * One consistent view of the dependency graph: images.yaml plus the bases
 * resolved from the Dockerfiles, built at one moment.
 */
export interface ImageGraphSnapshot {
  /** The graph over images and their bases (cycles, order, cascade prediction). */
  graph: DependencyGraph;
  /**
   * Canonical references of the bases an image is built FROM (empty when
   * unknown). With `platform`, only the bases that platform's build uses.
   */
  basesOf(entityRef: string, platform?: string): string[];
  /** Canonical references of the bases a stage with its own `FROM --platform` uses. */
  fixedPlatformBasesOf(entityRef: string): string[];
  /** Whether the image's Dockerfile has been read: until then its bases are unknown, not none. */
  basesKnown(entityRef: string): boolean;
  /** The graph as `GET /graph` answers it: nodes, edges, cycles, problems. */
  response: DependencyGraphResponse;
}

/**
 * The dependency graph, for the REST routes, the catalog and the rebuild
 * planner. Downstream code only reads it; it never writes back.
 */
export interface ImageGraphService {
  /** The graph as of the last images.yaml read and Dockerfile resolution. */
  getGraph(): Promise<ImageGraphSnapshot>;
  /** Every base reference found in the Dockerfiles, as its canonical key (Docker's ParseDockerRef form), deduplicated, sorted. */
  baseReferences(): string[];
  /**
   * The images whose source could not be read or analyzed at the last
   * resolution, each problem with its image (loads what is stored first).
   */
  sourceProblems(): Promise<ImageSourceProblem[]>;
}
