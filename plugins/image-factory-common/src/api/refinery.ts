import type { ImagesFileIssue } from '../imagesFile';
import type { WheelSet } from '../wheelsFile';

/**
 * Where a refinery run stands: `queued`, `planning` (pip resolves each
 * target), `building` (its jobs run round after round), then `succeeded`
 * (every build published or reused), `failed` or `cancelled` (by a user).
 *
 * @public
 */
export type RefineryRunStatus =
  | 'queued'
  | 'planning'
  | 'building'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

/**
 * Where one build of a run stands: `waiting` for an earlier round,
 * `queued`, `running`, then `built` (published), `reused` (built before
 * from the same inputs), `failed`, `skipped` (a build it needs failed) or
 * `cancelled` (its run was).
 *
 * @public
 */
export type RefineryJobStatus =
  | 'waiting'
  | 'queued'
  | 'running'
  | 'built'
  | 'reused'
  | 'failed'
  | 'skipped'
  | 'cancelled';

/**
 * What a plan does with one resolved distribution on one target.
 *
 * @public
 */
export interface RefineryPlanItem {
  /** PEP 503 name. */
  project: string;
  /** The version built. */
  version: string;
  /** `build` it, or skip it: a wheel upstream has, or one the refinery built. */
  action: 'build' | 'upstream-wheel' | 'built';
  /** What it needs built first, among this plan's builds. */
  buildAfter: string[];
}

/**
 * The plan of one target (a Python version on a platform) of a wheel set.
 *
 * @public
 */
export interface RefineryTargetPlan {
  /** The CPython tag, such as `cp311`. */
  python: string;
  /** `os/arch`, such as `linux/s390x`. */
  platform: string;
  /** Why it could not be planned (no builder, a requirement pip cannot meet). */
  error?: string;
  /**
   * The builder image it resolved in and builds in: a digest reference when
   * it is an image the factory builds, else the configured one.
   */
  builder?: string;
  /** The Image entity of the builder, when the factory builds it (`image:default/wheel-builder`). */
  builderImage?: string;
  /** What pip resolved, and what the plan does with each. */
  items: RefineryPlanItem[];
  /** Projects to build, in rounds: a round needs only what earlier rounds built. */
  rounds: string[][];
}

/**
 * How far a run's builds are.
 *
 * @public
 */
export interface RefineryRunProgress {
  /** Builds planned. */
  total: number;
  /** Built, reused, failed or skipped. */
  finished: number;
  /** Builds that failed. */
  failed: number;
  /** Builds running now. */
  running: number;
}

/**
 * One run of a wheel set: its plan, then its builds.
 *
 * @public
 */
export interface RefineryRun {
  /** Its id (a UUID). */
  id: string;
  /** The wheel set's name. */
  set: string;
  /** Where it stands. */
  status: RefineryRunStatus;
  /** Who asked for it (an entity ref). */
  requestedBy?: string;
  /** Empty until planned. */
  targets: RefineryTargetPlan[];
  /** How far its builds are. */
  progress: RefineryRunProgress;
  /** Failed builds by classified cause (`missing-header`: 1). */
  failuresByCause: Record<string, number>;
  /** Why the run failed, in a sentence. */
  error?: string;
  /** When it was asked for (ISO 8601). */
  createdAt: string;
  /** When a worker took it (ISO 8601). */
  startedAt?: string;
  /** When it ended (ISO 8601). */
  finishedAt?: string;
}

/**
 * One try of a build in a builder container.
 *
 * @public
 */
export interface RefineryJobAttempt {
  /** From 1. */
  attempt: number;
  /** The hints it had, in words. */
  hints: string;
  /** Time in the builder container. */
  durationMs: number;
  /** Whether the builder ran through QEMU. */
  emulated: boolean;
  /** Why it failed, classified; absent when it passed. */
  cause?: string;
  /** The failure in a sentence. */
  message?: string;
}

/**
 * One sdist built for one target of a run.
 *
 * @public
 */
export interface RefineryJob {
  /** Its id (a UUID). */
  id: string;
  /** The run it belongs to. */
  runId: string;
  /** The CPython tag, such as `cp311`. */
  python: string;
  /** `os/arch`, such as `linux/s390x`. */
  platform: string;
  /** PEP 503 name. */
  project: string;
  /** The version built. */
  version: string;
  /** Its round (from 0): it waits for the earlier ones. */
  round: number;
  /** Where it stands. */
  status: RefineryJobStatus;
  /** Whether it ran through QEMU; known once it ran. */
  emulated?: boolean;
  /** The classified cause of a failure. */
  cause?: string;
  /** The failure in a sentence. */
  error?: string;
  /** Each try in a builder container, with its hints. */
  attempts: RefineryJobAttempt[];
  /** Wheel files published (or reused). */
  files: string[];
  /** Time in builder containers, over all attempts. */
  durationMs?: number;
  /** When a worker took it (ISO 8601). */
  startedAt?: string;
  /** When it ended (ISO 8601). */
  finishedAt?: string;
}

/**
 * A run with its builds.
 *
 * @public
 */
export interface RefineryRunDetail extends RefineryRun {
  /** Its builds, per target and round. */
  jobs: RefineryJob[];
}

/**
 * The refinery's queue now.
 *
 * @public
 */
export interface RefineryQueueState {
  /** Builds waiting for a worker. */
  queued: number;
  /** Builds running now. */
  running: number;
  /** Builds waiting for an earlier round. */
  waiting: number;
  /** Runs waiting to be planned or planning. */
  planning: number;
}

/**
 * A Python project as the refinery knows it: the wheels it serves and its
 * latest builds, for the Refinery page and the Wheel entities.
 *
 * @public
 */
export interface RefineryWheelSummary {
  /** PEP 503 name. */
  project: string;
  /** Versions with a wheel in the index, newest build first. */
  versions: string[];
  /** Each published file with its target. */
  files: Array<{
    filename: string;
    /** The version built. */
    version: string;
    /** The platform architecture, absent for a pure-Python wheel. */
    architecture?: string;
    sha256: string;
    yanked: boolean;
  }>;
  /** The sets whose latest run built it. */
  sets: string[];
  /** The owner of the first of those sets (an entity ref or a group name). */
  owner?: string;
  /** The builder image of each platform it was built for. */
  builders: Record<string, string>;
  /** The Image entities of those builders the factory builds (`image:default/wheel-builder`). */
  builderImages?: string[];
  /** The latest job per target (python × platform). */
  latest: RefineryJob[];
  /** `built` when the latest job of every target passed, `failed` when one failed, `building` while one runs. */
  status: 'pending' | 'building' | 'built' | 'failed';
}

/**
 * The wheel sets of `wheels.yaml` (`GET /refinery/sets`): the valid ones,
 * and a problem for each field that is not, with its line.
 *
 * @public
 */
export interface WheelSetList {
  /** Where wheels.yaml is read from. */
  location?: string;
  /** The valid wheel sets. */
  sets: WheelSet[];
  /** Each problem of the file, with its field, line and a sentence (`text`). */
  issues: Array<ImagesFileIssue & { text: string }>;
  /** The platforms the refinery has a builder for: what a set may target. */
  builderPlatforms?: string[];
}
