import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ArchivedImageList,
  AuditEventList,
  BuildLogLine,
  BuildLogPage,
  BuildRun,
  BuildRunList,
  CascadePredictionResponse,
  ChangeImageRequest,
  DependencyGraphResponse,
  EmergencyRebuildRequest,
  EmergencyRebuildResponse,
  EnrollImageRequest,
  Enrollment,
  EnrollmentList,
  EnrollmentResponse,
  EnrollmentState,
  DecideStageMoveRequest,
  ImageFactoryStatus,
  ImageStageList,
  ImageStageMove,
  ImageVersion,
  ImageVersionComparison,
  ImageVersionList,
  ImageVersionListQuery,
  ImageVersionSource,
  LifecycleOverview,
  PromoteStageRequest,
  RegistryBudgetList,
  RollbackStageRequest,
  StartBuildRequest,
  UnenrollImageRequest,
  EnrollWheelSetRequest,
  ChangeWheelSetRequest,
  UpcomingRebuildList,
  RefineryQueueState,
  RefineryRun,
  RefineryRunDetail,
  RefineryWheelSummary,
  WheelSetList,
} from '@image-factory/plugin-image-factory-common';

/**
 * The answer to "Build now".
 *
 * @public
 */
export interface StartBuildResult {
  /** The newly queued run, or the image's run that was already queued or running. */
  run: BuildRun;
  /**
   * True when the image already had a queued or running run, which the
   * backend returned (200) instead of queueing a second one (202).
   */
  alreadyActive: boolean;
}

/**
 * What {@link ImageFactoryApi.streamBuildLogs} calls as a run's log arrives.
 *
 * @public
 */
export interface BuildLogStreamOptions {
  /** Only the lines after this `seq` (default 0: the whole log). */
  after?: number;
  /** Each new line, once and in order. */
  onLine(line: BuildLogLine): void;
  /** The run, whenever its status changes. */
  onRun?(run: BuildRun): void;
  /** Once, when the run has finished and every line was delivered. */
  onEnd?(): void;
  /** Once, when the log can be followed no longer (after retries); nothing is called after it. */
  onError?(error: Error): void;
}

/**
 * The Image Factory backend as the frontend sees it.
 *
 * @public
 */
export interface ImageFactoryApi {
  /**
   * The factory's operational status: the state of `images.yaml` and the
   * configured providers (`GET /api/image-factory/status`).
   */
  getStatus(): Promise<ImageFactoryStatus>;

  /**
   * Asks for a new `images.yaml` entry (`POST /api/image-factory/enrollments`):
   * the backend opens a pull request, or returns the open one for the same
   * change with `reused: true`.
   */
  enroll(request: EnrollImageRequest): Promise<EnrollmentResponse>;

  /**
   * The change requests, newest first (`GET /api/image-factory/enrollments`),
   * optionally only those in one state.
   */
  listEnrollments(options?: {
    state?: EnrollmentState;
  }): Promise<EnrollmentList>;

  /** One change request (`GET /api/image-factory/enrollments/:id`). */
  getEnrollment(id: string): Promise<Enrollment>;

  /**
   * Asks for an image to be removed from `images.yaml`
   * (`POST /api/image-factory/images/:name/unenroll`).
   */
  unenrollImage(
    name: string,
    request?: UnenrollImageRequest,
  ): Promise<EnrollmentResponse>;

  /**
   * Asks for fields of an image's entry to change, `null` removing an optional
   * field (`POST /api/image-factory/images/:name/changes`).
   */
  changeImage(
    name: string,
    request: ChangeImageRequest,
  ): Promise<EnrollmentResponse>;

  /**
   * "Build now" (`POST /api/image-factory/images/:name/builds`): queues a run
   * of the image, or returns the one already queued or running. Needs the
   * `image-factory.image.build` permission on the image.
   */
  startBuild(
    name: string,
    request?: StartBuildRequest,
  ): Promise<StartBuildResult>;

  /**
   * The image's build runs, newest first
   * (`GET /api/image-factory/images/:name/builds`).
   */
  listBuilds(name: string, options?: { limit?: number }): Promise<BuildRunList>;

  /** One build run (`GET /api/image-factory/builds/:id`). */
  getBuild(id: string): Promise<BuildRun>;

  /**
   * A page of a run's log: the lines after `after`
   * (`GET /api/image-factory/builds/:id/logs`).
   */
  getBuildLogs(id: string, options?: { after?: number }): Promise<BuildLogPage>;

  /** Cancels a queued or running run (`POST /api/image-factory/builds/:id/cancel`). */
  cancelBuild(id: string): Promise<BuildRun>;

  /**
   * Follows a run's log live (`GET /api/image-factory/builds/:id/logs/stream`,
   * Server-Sent Events), reconnecting where it left off after a drop and
   * polling when streaming is not possible. Returns a function that stops it.
   */
  streamBuildLogs(id: string, options: BuildLogStreamOptions): () => void;

  /**
   * The dependency graph of every image and base, with its cycles and the
   * problems met reading Dockerfiles (`GET /api/image-factory/graph`).
   */
  getGraph(): Promise<DependencyGraphResponse>;

  /**
   * What a new digest of a graph node would rebuild, in order, and what the
   * depth cap cuts (`GET /api/image-factory/graph/cascade?node=<id>`).
   */
  getCascade(node: string): Promise<CascadePredictionResponse>;

  /**
   * The rebuilds planned because bases changed, soonest first
   * (`GET /api/image-factory/rebuilds/upcoming`).
   */
  listUpcomingRebuilds(): Promise<UpcomingRebuildList>;

  /**
   * Queues a rebuild that skips the delay, optionally with the images built
   * FROM it (`POST /api/image-factory/images/:name/emergency-rebuilds`).
   * Needs the `image-factory.rebuild.emergency` permission and a
   * justification; the backend answers 403 or 400 otherwise.
   */
  emergencyRebuild(
    name: string,
    request: EmergencyRebuildRequest,
  ): Promise<EmergencyRebuildResponse>;

  /** The image's audit trail, newest first (`GET /api/image-factory/images/:name/audit`). */
  listAudit(name: string): Promise<AuditEventList>;

  /**
   * Each registry host's request budget for base-image tracking: tokens
   * left, requests sent, what the registry reported of its own limit and
   * why checks wait (`GET /api/image-factory/tracking/registries`).
   */
  listRegistryBudgets(): Promise<RegistryBudgetList>;

  /**
   * The images no longer in images.yaml, with their last entry, their
   * enrollments and un-enrollments and their last builds
   * (`GET /api/image-factory/images/archived`).
   */
  listArchivedImages(): Promise<ArchivedImageList>;

  /**
   * A page of an image's versions in its registry, one per manifest or index
   * digest, with where the list comes from (fresh, stale or unreachable)
   * (`GET /api/image-factory/images/:name/versions`). Pass the previous
   * page's `nextCursor` as `cursor` for the next one; `:name` is any Image
   * entity's `metadata.name`.
   */
  listImageVersions(
    name: string,
    query?: Partial<ImageVersionListQuery>,
  ): Promise<ImageVersionList>;

  /**
   * One version of an image by digest, with its attestations and referrers
   * (`GET /api/image-factory/images/:name/versions/:digest`).
   */
  getImageVersion(name: string, digest: string): Promise<ImageVersion>;

  /**
   * What changed from one version to another: platforms, layers, bases,
   * build args, source revision and a one-line summary
   * (`GET /api/image-factory/images/:name/versions/compare?from&to`).
   */
  compareImageVersions(
    name: string,
    from: string,
    to: string,
  ): Promise<ImageVersionComparison>;

  /**
   * Lists the image's tags in its registry again, now
   * (`POST /api/image-factory/images/:name/versions/refresh`), and returns
   * where the list stands afterwards.
   */
  refreshImageVersions(name: string): Promise<ImageVersionSource>;

  /**
   * What each lifecycle stage of an image holds, in order, and its last moves,
   * newest first (`GET /api/image-factory/images/:name/stages`).
   */
  listImageStages(name: string): Promise<ImageStageList>;

  /**
   * A page of a stage verification's log: the lines after `after`
   * (`GET /api/image-factory/images/:name/verifications/:id/logs`); `done`
   * once the verification has ended and every line is in.
   */
  getVerificationLogs(
    name: string,
    id: string,
    options?: { after?: number },
  ): Promise<BuildLogPage>;

  /** The wheel sets of wheels.yaml and its problems (`GET /api/image-factory/refinery/sets`). */
  listWheelSets(): Promise<WheelSetList>;

  /** Refinery runs, newest first, of one set or all (`GET /api/image-factory/refinery/runs`). */
  listRefineryRuns(options?: {
    set?: string;
    limit?: number;
  }): Promise<{ items: RefineryRun[] }>;

  /** One refinery run with its plan and builds (`GET /api/image-factory/refinery/runs/:id`). */
  getRefineryRun(id: string): Promise<RefineryRunDetail>;

  /**
   * Queues a run of a wheel set: planned, then built by the refinery's
   * workers (`POST /api/image-factory/refinery/sets/:name/runs`). Needs
   * `image-factory.refinery.run`.
   */
  startRefineryRun(set: string): Promise<RefineryRun>;

  /**
   * Cancels a queued, planning or building run; its running builds stop
   * (`POST /api/image-factory/refinery/runs/:id/cancel`). Needs
   * `image-factory.refinery.run`; a run that has ended is a 409.
   */
  cancelRefineryRun(id: string): Promise<RefineryRunDetail>;

  /**
   * Asks for a new wheel set: a pull request against wheels.yaml
   * (`POST /api/image-factory/refinery/sets`). Needs
   * `image-factory.wheel-set.enroll` and membership of the set's owner.
   */
  enrollWheelSet(request: EnrollWheelSetRequest): Promise<EnrollmentResponse>;

  /** Asks for a change of a wheel set (`POST /api/image-factory/refinery/sets/:name/changes`). */
  changeWheelSet(
    name: string,
    request: ChangeWheelSetRequest,
  ): Promise<EnrollmentResponse>;

  /** Asks for a wheel set to be removed (`POST /api/image-factory/refinery/sets/:name/unenroll`). */
  unenrollWheelSet(
    name: string,
    request?: UnenrollImageRequest,
  ): Promise<EnrollmentResponse>;

  /** Builds queued, running and waiting (`GET /api/image-factory/refinery/queue`). */
  getRefineryQueue(): Promise<RefineryQueueState>;

  /** Every project the refinery built or tried to (`GET /api/image-factory/refinery/wheels`). */
  listRefineryWheels(): Promise<{ items: RefineryWheelSummary[] }>;

  /** One project the refinery built or tried to (`GET /api/image-factory/refinery/wheels/:project`). */
  getRefineryWheel(project: string): Promise<RefineryWheelSummary>;

  /**
   * A page of a refinery log: a build's (`kind: 'jobs'`) or a run's plan
   * (`kind: 'runs'`), `done` once it can get no more lines.
   */
  getRefineryLogs(
    kind: 'jobs' | 'runs',
    id: string,
    options?: { after?: number },
  ): Promise<BuildLogPage>;

  /**
   * Puts a digest in a stage
   * (`POST /api/image-factory/images/:name/stages/:stage/promotions`). Needs
   * `image-factory.stage.promote` on the image. Resolves to the move, with
   * `status: 'failed'` and its `error` when the stage tag could not be moved
   * (502); throws for a refused request (400, 403, 409).
   */
  promoteImageStage(
    name: string,
    stage: string,
    request: PromoteStageRequest,
  ): Promise<ImageStageMove>;

  /**
   * Puts a stage back on an earlier digest, by default what it held before
   * (`POST /api/image-factory/images/:name/stages/:stage/rollback`). Resolves
   * and throws as {@link ImageFactoryApi.promoteImageStage} does.
   */
  rollbackImageStage(
    name: string,
    stage: string,
    request?: RollbackStageRequest,
  ): Promise<ImageStageMove>;

  /**
   * Approves a promotion waiting for approval
   * (`POST /api/image-factory/images/:name/stages/:stage/moves/:id/approve`).
   * Needs `image-factory.stage.approve` on the stage and membership of one of
   * its approver groups; throws a 403 for one's own promotion and a 409 when
   * the move no longer waits for approval. Resolves to the move as decided.
   */
  approveStageMove(
    name: string,
    stage: string,
    moveId: string,
    request?: DecideStageMoveRequest,
  ): Promise<ImageStageMove>;

  /**
   * Rejects a promotion waiting for approval (`.../moves/:id/reject`); the
   * stage keeps what it holds. Throws as
   * {@link ImageFactoryApi.approveStageMove} does.
   */
  rejectStageMove(
    name: string,
    stage: string,
    moveId: string,
    request?: DecideStageMoveRequest,
  ): Promise<ImageStageMove>;

  /**
   * Every image with stages, each stage with what it holds and how far it
   * lags the image's newest build (`GET /api/image-factory/lifecycle`),
   * optionally only the images of one owner (entity ref).
   */
  getLifecycleOverview(options?: {
    owner?: string;
  }): Promise<LifecycleOverview>;
}

/**
 * Reference to the {@link ImageFactoryApi}.
 *
 * @public
 */
export const imageFactoryApiRef = createApiRef<ImageFactoryApi>({
  id: 'plugin.image-factory.service',
});
