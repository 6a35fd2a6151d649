import { z } from 'zod/v4';
import type { BuildCause } from '../kinds';

/**
 * Where a build run (or one platform of it) stands. `skipped` means its
 * inputs did not change since the last successful run ("up to date").
 *
 * @public
 */
export type BuildStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'skipped';

/**
 * The kind of a failure, for messages, retries and metrics.
 *
 * @public
 */
export type BuildErrorType =
  | 'auth'
  | 'network'
  | 'not-found'
  | 'manifest-invalid'
  | 'build-failed'
  | 'timeout'
  | 'interrupted'
  | 'cancelled'
  | 'no-executor'
  | 'internal';

/**
 * What a build was made from; two runs with the same inputs give the same image.
 *
 * @public
 */
export interface BuildInputs {
  /** The commit of the source repository that was built. */
  sourceRevision?: string;
  /** sha256 of the Dockerfile's bytes. */
  dockerfileDigest?: string;
  /** Each base image reference with the digest it resolved to. */
  baseDigests?: Record<string, string>;
  /**
   * For each multi-platform base, its platforms' digests (from the image
   * index): what tells whether one platform's base changed.
   */
  basePlatformDigests?: Record<string, Record<string, string>>;
  /** Build arguments from images.yaml. */
  buildArgs?: Record<string, string>;
  /**
   * The platforms built. A rebuild because bases changed builds only the
   * platforms whose base changed and reuses the others from an earlier run.
   */
  platforms: string[];
}

/**
 * One platform of a build run.
 *
 * @public
 */
export interface BuildPlatformResult {
  /** `os/arch[/variant]`. */
  platform: string;
  /** Where this platform stands. */
  status: BuildStatus;
  /** The executor that built it. */
  executor?: string;
  /** True when the executor ran it through QEMU emulation. */
  emulated?: boolean;
  /** Digest of the pushed platform manifest. */
  digest?: string;
  /** Time spent building, in milliseconds. */
  buildDurationMs?: number;
  /** Time spent pushing, in milliseconds. */
  pushDurationMs?: number;
  /** Readable failure reason. */
  error?: string;
  /**
   * The run whose image of this platform was put in this run's index
   * (status `skipped`): its bases did not change.
   */
  reusedFrom?: string;
}

/**
 * One run of the build engine for an image: every platform built, pushed and
 * joined in an OCI image index.
 *
 * @public
 */
export interface BuildRun {
  /** Stable id (UUID). */
  id: string;
  /** The image's name in images.yaml. */
  imageName: string;
  /** The Image entity, e.g. `image:default/hello-web`. */
  entityRef: string;
  /** Why the run was started. */
  cause: BuildCause;
  /** E.g. which base changed (`docker.io/library/debian:12 sha256:a → sha256:b`) or the CVE. */
  causeDetail?: string;
  /** Entity ref of the user who asked, for manual and emergency runs. */
  requestedBy?: string;
  /** Where the run stands. */
  status: BuildStatus;
  /** Why it failed, was skipped ("up to date") or was cancelled, in words. */
  reason?: string;
  /** The kind of failure, when it failed. */
  errorType?: BuildErrorType;
  /** What the run builds from. */
  inputs: BuildInputs;
  /** The tag pushed, e.g. `localhost:5000/apps/hello-web:latest`. */
  reference?: string;
  /** Digest of the pushed OCI image index (the manifest list). */
  indexDigest?: string;
  /**
   * The index is also pushed under this tag (`<tag>-<UTC time>`), which stays
   * until the image's retention policy removes it.
   */
  versionTag?: string;
  /** When the retention policy deleted this run's images from the registry (ISO 8601). */
  prunedAt?: string;
  /** One entry per platform: those built, then those reused. */
  platforms: BuildPlatformResult[];
  /** How many times the queue has started it (retries after transient failures or interruptions). */
  attempts: number;
  /** When it was queued (ISO 8601). */
  createdAt: string;
  /** When its latest attempt started (ISO 8601). */
  startedAt?: string;
  /** When it finished (ISO 8601). */
  finishedAt?: string;
  /** From start to finish, in milliseconds. */
  durationMs?: number;
}

/**
 * One line of a build run's log.
 *
 * @public
 */
export interface BuildLogLine {
  /** Increasing per run from 1; the SSE event id, for reconnects. */
  seq: number;
  /** The platform the line belongs to; absent for lines of the run itself. */
  platform?: string;
  /** `build` and `push` come from the engine; `system` from the factory. */
  stream: 'build' | 'push' | 'system';
  /** ISO 8601. */
  time: string;
  /** The line, without its newline. */
  text: string;
}

/**
 * The answer of `GET /api/image-factory/images/:name/builds`.
 *
 * @public
 */
export interface BuildRunList {
  /** Newest first. */
  items: BuildRun[];
}

/**
 * The answer of `GET /api/image-factory/builds/:id/logs?after=<seq>`.
 *
 * @public
 */
export interface BuildLogPage {
  /** The lines after the asked `seq`, in order. */
  items: BuildLogLine[];
  /** True once the run has finished and every line is in. */
  done: boolean;
}

/**
 * The body of `POST /api/image-factory/images/:name/builds` ("Build now").
 *
 * @public
 */
export const startBuildRequestSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .max(500, 'must be at most 500 characters')
      .optional()
      .describe('Why the build is started; shown with the run.'),
    force: z
      .boolean()
      .optional()
      .describe('Build even when the inputs did not change (default false).'),
  })
  .strict();

/**
 * The body of `POST /api/image-factory/images/:name/builds`.
 *
 * @public
 */
export type StartBuildRequest = z.input<typeof startBuildRequestSchema>;
