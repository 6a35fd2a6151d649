import { z } from 'zod/v4';
import type { BuildCause } from '../kinds';
import type { BuildRun } from './builds';

/**
 * A node of the dependency graph: an image of images.yaml, or a base image
 * that only appears in Dockerfiles.
 *
 * @public
 */
export interface DependencyGraphNode {
  /** Graph key: the reference as `registry/repository:tag`. */
  id: string;
  /** The Image entity, when images.yaml (or the factory, for a discovered base) has one. */
  entityRef?: string;
  /** `managed`, `base` or `external` as in images.yaml; `discovered` for a base found only in Dockerfiles. */
  type: 'managed' | 'base' | 'external' | 'discovered';
  /** The reference as published or watched. */
  reference: string;
  /** The current digest, when known. */
  digest?: string;
  /** The platforms it is published for (images.yaml), or used for by its dependents (`discovered`). */
  platforms?: string[];
  /**
   * True while the image's Dockerfile has not been read yet (a new entry):
   * its bases, and so its edges, are unknown, not none.
   */
  basesUnknown?: boolean;
}

/**
 * An edge of the dependency graph: `to` is built FROM `from`.
 *
 * @public
 */
export interface DependencyGraphEdge {
  /** The base's node id. */
  from: string;
  /** The dependent image's node id. */
  to: string;
}

/**
 * The answer of `GET /api/image-factory/graph`.
 *
 * @public
 */
export interface DependencyGraphResponse {
  /** Every node, bases first. */
  nodes: DependencyGraphNode[];
  /** Every edge, base → dependent. */
  edges: DependencyGraphEdge[];
  /** Each cycle found, as the node ids on it (a cycle blocks its images' rebuilds). */
  cycles: string[][];
  /**
   * Problems of the graph as a whole, e.g. a reference two images publish.
   * An image's own source problems are in `sourceProblems` instead.
   */
  problems: string[];
  /**
   * Each image whose source cannot be read or analyzed (repository or branch
   * gone, Dockerfile moved, a FROM that does not resolve). They concern that
   * image only: its page shows them, the pages of other images do not.
   */
  sourceProblems: ImageSourceProblem[];
}

/**
 * What is wrong with one image's source, as the factory last read it.
 *
 * @public
 */
export interface ImageSourceProblem {
  /** The Image entity, e.g. `image:default/hello-web`. */
  entityRef: string;
  /** Its name in images.yaml. */
  imageName: string;
  /** E.g. `Dockerfile:3: ARG BASE has no value` or `dockerfiles/x/Dockerfile: not found in acme/x on branch main`. */
  message: string;
}

/**
 * One image a change would rebuild.
 *
 * @public
 */
export interface CascadeStepInfo {
  /** The Image entity. */
  entityRef: string;
  /** 1 for a direct dependent; else the longest path from the change. */
  depth: number;
  /** The node ids through which the change reaches it. */
  via: string[];
}

/**
 * The answer of `GET /api/image-factory/graph/cascade?node=<id>`: what a new
 * digest of that node would rebuild, in order.
 *
 * @public
 */
export interface CascadePredictionResponse {
  /** The node whose change is predicted. */
  node: string;
  /** Rebuilds in order: every image after all of its upstream images. */
  rebuilds: CascadeStepInfo[];
  /** Images beyond the depth cap: not rebuilt automatically. */
  cut: CascadeStepInfo[];
}

/**
 * Why an upcoming rebuild is planned: a base that got a new digest.
 *
 * @public
 */
export interface RebuildReason {
  /** The base's reference. */
  baseReference: string;
  /** The digest the image was last built from, when known. */
  oldDigest?: string;
  /**
   * True when the base was not found at the image's last attempt, which
   * failed before the image was ever built: its appearance lets it build.
   */
  notFoundBefore?: boolean;
  /** The base's new digest. */
  newDigest: string;
  /** When the factory first saw the new digest (ISO 8601); the delay counts from here. */
  firstSeenAt: string;
  /** The platforms of the base whose digest changed; absent when all did. */
  platforms?: string[];
}

/**
 * Where an upcoming rebuild stands.
 *
 * - `waiting-delay`: the image's `rebuild.delay` has not passed since the new digest was first seen;
 * - `coalescing`: inside the quiet period, in case more bases change;
 * - `waiting-upstream`: an image it is built FROM is being rebuilt first;
 * - `queued`: handed to the build queue;
 * - `blocked`: stopped by a failed upstream build, a cycle or the depth cap (see `blockedReason`);
 * - `manual`: the image has `rebuild.auto: false`; shown, never queued by itself.
 *
 * @public
 */
export type UpcomingRebuildState =
  | 'waiting-delay'
  | 'coalescing'
  | 'waiting-upstream'
  | 'queued'
  | 'blocked'
  | 'manual';

/**
 * A rebuild the planner will queue (or has queued) because bases changed.
 *
 * @public
 */
export interface UpcomingRebuild {
  /** The image's name in images.yaml. */
  imageName: string;
  /** The Image entity. */
  entityRef: string;
  /**
   * Why it is planned: `base-change` (see `reasons`), `emergency`, or
   * `enrollment`, `config-change` and `scheduled` (see `causeDetail`).
   */
  cause?: BuildCause;
  /** What changed in images.yaml, for `config-change`; the schedule, for `scheduled`. */
  causeDetail?: string;
  /** Every base change that leads to it, coalesced into this one rebuild. */
  reasons: RebuildReason[];
  /** Only these platforms are rebuilt (a change on one platform of a base rebuilds only that one). */
  platforms: string[];
  /** Where it stands. */
  state: UpcomingRebuildState;
  /** When the delay has passed (ISO 8601). */
  eligibleAt: string;
  /** End of the quiet period, when coalescing (ISO 8601). */
  quietUntil?: string;
  /** The latest it is queued, however often bases keep changing (ISO 8601). */
  maxWaitUntil?: string;
  /** The upstream images it waits for. */
  waitingFor?: string[];
  /** Why it is blocked. */
  blockedReason?: string;
  /** The build run, once queued. */
  runId?: string;
}

/**
 * The answer of `GET /api/image-factory/rebuilds/upcoming`.
 *
 * @public
 */
export interface UpcomingRebuildList {
  /** Soonest first. */
  items: UpcomingRebuild[];
}

/**
 * The body of `POST /api/image-factory/images/:name/emergency-rebuilds`: a
 * rebuild that skips delays, for a critical CVE.
 *
 * @public
 */
export const emergencyRebuildRequestSchema = z
  .object({
    justification: z
      .string()
      .trim()
      .min(3, 'is required: a CVE id such as CVE-2026-1234 or a sentence')
      .max(2000, 'must be at most 2000 characters')
      .describe('Why the delay is skipped: a CVE id or a sentence. Audited.'),
    cascade: z
      .boolean()
      .default(false)
      .describe(
        'Also rebuild every image built FROM this one, in dependency order.',
      ),
  })
  .strict();

/**
 * The body of `POST /api/image-factory/images/:name/emergency-rebuilds`.
 *
 * @public
 */
export type EmergencyRebuildRequest = z.input<
  typeof emergencyRebuildRequestSchema
>;

/**
 * An entry of an image's audit trail.
 *
 * @public
 */
export interface AuditEvent {
  /** Stable id (UUID). */
  id: string;
  /** The Image entity. */
  entityRef: string;
  /** What happened, e.g. `emergency-rebuild`, `rebuild-planned`, `rebuild-blocked`. */
  action: string;
  /** Entity ref of the user, or `image-factory` for the planner. */
  actor: string;
  /** The justification given, for emergency rebuilds. */
  justification?: string;
  /** When (ISO 8601). */
  at: string;
  /** One line a person reads, e.g. `queued run 1a2b… with 3 images in the cascade`. */
  summary: string;
  /** The build runs it started. */
  runIds?: string[];
}

/**
 * The answer of `POST /api/image-factory/images/:name/emergency-rebuilds`.
 *
 * @public
 */
export interface EmergencyRebuildResponse {
  /** The runs queued, the image's first, then its cascade in order. */
  runs: BuildRun[];
  /** The audit entry recording it. */
  audit: AuditEvent;
}

/**
 * The answer of `GET /api/image-factory/images/:name/audit`.
 *
 * @public
 */
export interface AuditEventList {
  /** Newest first. */
  items: AuditEvent[];
}
