import { z } from 'zod/v4';
import { ImageStagePromotion, ImageStageUpdate } from './stagePolicy';

/**
 * What one lifecycle stage of an image holds.
 *
 * @public
 */
export interface ImageStage {
  /** The stage's name from images.yaml (`dev`, `staging`, `prod`). */
  name: string;
  /** The tag that names the stage's version in the registry. */
  tag: string;
  /** The digest the stage holds; absent before its first promotion. */
  digest?: string;
  /** What it held before, for a rollback. */
  previousDigest?: string;
  /** When it last changed (ISO 8601). */
  updatedAt?: string;
  /** Who changed it (entity ref). */
  updatedBy?: string;
  /** How versions enter it. */
  promotion: ImageStagePromotion;
  /** For `approval`: the groups whose members may approve. */
  approvers?: string[];
  /** Minimum time in the stage before (`1h`). */
  soak?: string;
  /** Names of the checks a version must pass to enter. */
  checks?: string[];
  /** Repositories whose files are pinned when a version enters. */
  updates?: ImageStageUpdate[];
}

/**
 * One promotion or rollback of a stage.
 *
 * @public
 */
export interface ImageStageMove {
  /** Stable id (UUID). */
  id: string;
  /** The stage moved. */
  stage: string;
  /** What kind of move it is. */
  action: 'promote' | 'rollback';
  /** What the stage held before. */
  fromDigest?: string;
  /** What it holds after. */
  toDigest: string;
  /** Who asked (entity ref). */
  requestedBy?: string;
  /** Why, as they said. */
  reason?: string;
  /**
   * `waiting` for its verification or an approval, then `pending` until the
   * stage tag moved in the registry, then `done`; or `failed`, or
   * `rejected` by an approver.
   */
  status: 'waiting' | 'pending' | 'done' | 'failed' | 'rejected';
  /** What a `waiting` move waits for. */
  waitingFor?: 'verification' | 'approval';
  /** `auto` when the stage policy promoted it, `user` when a person asked. */
  trigger: 'user' | 'auto';
  /** The verification run of the digest for this stage. */
  verificationId?: string;
  /** Who approved or rejected it (entity ref). */
  decidedBy?: string;
  /** Why, as they said. */
  decisionReason?: string;
  /** When (ISO 8601). */
  decidedAt?: string;
  /** Why it failed. */
  error?: string;
  /** When it was asked (ISO 8601). */
  createdAt: string;
  /** When it ended (ISO 8601). */
  finishedAt?: string;
}

/**
 * The answer of `GET /api/image-factory/images/:name/stages`.
 *
 * @public
 */
export interface ImageStageList {
  /** The image's stages in their order. */
  stages: ImageStage[];
  /** Its last moves, newest first. */
  moves: ImageStageMove[];
  /** Its last verifications, newest first. */
  verifications?: ImageStageVerification[];
  /** The update pull requests of its stages, by stage and repository. */
  updateRequests?: ImageStageUpdateRequest[];
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The body of `POST /api/image-factory/images/:name/stages/:stage/promotions`.
 *
 * @public
 */
export const promoteStageRequestSchema = z
  .object({
    digest: z
      .string()
      .regex(DIGEST, 'must be a digest such as sha256:<64 hex characters>')
      .describe('The version to put in the stage.'),
    reason: z
      .string()
      .trim()
      .max(500, 'must be at most 500 characters')
      .optional()
      .describe('Why; kept with the move.'),
  })
  .strict();

/**
 * The body of `POST /api/image-factory/images/:name/stages/:stage/rollback`.
 *
 * @public
 */
export const rollbackStageRequestSchema = z
  .object({
    digest: z
      .string()
      .regex(DIGEST, 'must be a digest such as sha256:<64 hex characters>')
      .optional()
      .describe(
        'The earlier version to go back to; default: what the stage held before.',
      ),
    reason: z
      .string()
      .trim()
      .max(500, 'must be at most 500 characters')
      .optional()
      .describe('Why; kept with the move.'),
  })
  .strict();

/**
 * The body of a promotion.
 *
 * @public
 */
export type PromoteStageRequest = z.input<typeof promoteStageRequestSchema>;

/**
 * The body of a rollback.
 *
 * @public
 */
export type RollbackStageRequest = z.input<typeof rollbackStageRequestSchema>;

/**
 * The body of `POST /api/image-factory/images/:name/stages/:stage/moves/:id/approve`
 * (and `/reject`).
 *
 * @public
 */
export const decideStageMoveRequestSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .max(500, 'must be at most 500 characters')
      .optional()
      .describe('Why; kept with the move.'),
  })
  .strict();

/**
 * The body of an approval or a rejection.
 *
 * @public
 */
export type DecideStageMoveRequest = z.input<
  typeof decideStageMoveRequestSchema
>;

/**
 * The outcome of one check of a stage on one platform.
 *
 * @public
 */
export interface ImageStageCheckResult {
  /** The check's name. */
  check: string;
  /** `os/arch[/variant]`. */
  platform: string;
  /** The executor it ran on; absent when none could run it. */
  executor?: string;
  /** Whether the executor ran it through QEMU. */
  emulated?: boolean;
  /** `passed` (exit 0), `failed` (another exit code), `timedOut`, or `error` (it could not run). */
  status: 'passed' | 'failed' | 'timedOut' | 'error';
  /** The container's exit code. */
  exitCode?: number;
  /** Wall time of the run. */
  durationMs: number;
  /** Why it could not run, for `error`. */
  error?: string;
}

/**
 * One run of a stage's checks for one digest; a pass certifies that digest
 * for that stage only.
 *
 * @public
 */
export interface ImageStageVerification {
  /** Stable id (UUID); its log is at `/images/:name/verifications/:id/logs`. */
  id: string;
  /** The stage verified for. */
  stage: string;
  /** The digest verified. */
  digest: string;
  /** Where it stands. */
  status: 'pending' | 'running' | 'passed' | 'failed';
  /** Who asked for the promotion it gates (entity ref). */
  requestedBy?: string;
  /** Per check and platform, once finished. */
  results: ImageStageCheckResult[];
  /** Why it failed when no check result tells (interrupted, no executor). */
  error?: string;
  /** When it was created (ISO 8601). */
  createdAt: string;
  /** When it started (ISO 8601). */
  startedAt?: string;
  /** When it ended (ISO 8601). */
  finishedAt?: string;
}

/**
 * The latest pull request pinning a stage's digest in one repository that
 * uses the image.
 *
 * @public
 */
export interface ImageStageUpdateRequest {
  /** The stage whose version it pins. */
  stage: string;
  /** `owner/name`. */
  repository: string;
  /** The digest pinned. */
  digest: string;
  /** The pull request's branch. */
  branch: string;
  /** Its number, once opened. */
  number?: number;
  /** Its web address, once opened. */
  url?: string;
  /** `open`, `merged`, `closed`, or `failed` (it could not be opened or updated). */
  state: 'open' | 'merged' | 'closed' | 'failed';
  /** Why it failed. */
  error?: string;
  /** When it last changed (ISO 8601). */
  updatedAt: string;
}
