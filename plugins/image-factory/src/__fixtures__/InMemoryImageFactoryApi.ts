import type {
  ArchivedImageList,
  AuditEvent,
  AuditEventList,
  BuildLogLine,
  BuildLogPage,
  BuildRun,
  BuildRunList,
  CascadePredictionResponse,
  ChangeImageRequest,
  DecideStageMoveRequest,
  DependencyGraphResponse,
  EmergencyRebuildRequest,
  EmergencyRebuildResponse,
  EnrollImageRequest,
  Enrollment,
  EnrollmentAction,
  EnrollmentList,
  EnrollmentResponse,
  EnrollmentState,
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
  UpcomingRebuild,
  UpcomingRebuildList,
  RefineryQueueState,
  RefineryRun,
  RefineryRunDetail,
  RefineryWheelSummary,
  WheelSetList,
} from '@image-factory/plugin-image-factory-common';
import type {
  BuildLogStreamOptions,
  ImageFactoryApi,
  StartBuildResult,
} from '../api';
import { queuedRunFixture } from './builds';
import { enrollmentFixture } from './enrollments';
import { InMemoryImageStages } from './InMemoryImageStages';
import { InMemoryImageVersions } from './InMemoryImageVersions';

/** What one `getStatus()` call does: resolve, reject, or never settle. */
export type StatusResult = ImageFactoryStatus | Error | 'pending';

/** What a write call does instead of its default: reject, or never settle. */
export type WriteResult = Error | 'pending';

/** A "Build now" or cancel request as the backend would receive it. */
export interface RecordedBuildRequest {
  call: 'start' | 'cancel';
  /** The image name (start) or the run id (cancel) in the path. */
  target: string;
  body?: unknown;
}

/** A log stream a component opened, which a test drives. */
export interface OpenLogStream {
  id: string;
  options: BuildLogStreamOptions;
  closed: boolean;
}

const ACTIVE: ReadonlyArray<BuildRun['status']> = ['queued', 'running'];

/** A write request as the backend would receive it. */
export interface RecordedRequest {
  action: EnrollmentAction;
  /** The image name in the path (un-enroll and change). */
  name?: string;
  body: unknown;
}

function settle<T>(result: T | Error | 'pending'): Promise<T> {
  if (result === 'pending') {
    return new Promise(() => {});
  }
  if (result instanceof Error) {
    return Promise.reject(result);
  }
  return Promise.resolve(JSON.parse(JSON.stringify(result)));
}

/**
 * An ImageFactoryApi that answers from a script: the n-th status call gets the
 * n-th result, and the last result repeats. Change requests behave like the
 * backend's: each opens a pull request, and one for the same action and image
 * while that is still open is returned with `reused: true`; `writeResults`
 * makes the next writes fail or hang instead.
 */
export class InMemoryImageFactoryApi implements ImageFactoryApi {
  private readonly results: StatusResult[];
  calls = 0;
  /** Change requests, newest first. */
  enrollments: Enrollment[] = [];
  /** Every write request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Consumed one per write call, before the default behaviour. */
  writeResults: WriteResult[] = [];
  /** The `state` of each `listEnrollments` call, in order. */
  readonly listCalls: Array<EnrollmentState | undefined> = [];
  /** What `listEnrollments` does instead of answering from `enrollments`. */
  listResult?: WriteResult;
  /** Build runs of every image, newest first. */
  builds: BuildRun[] = [];
  /** The log of each run, by run id. */
  buildLogs: Record<string, BuildLogLine[]> = {};
  /** Consumed one per `startBuild` or `cancelBuild` call, before the default. */
  buildResults: WriteResult[] = [];
  /** Every `startBuild` and `cancelBuild`, in order. */
  readonly buildRequests: RecordedBuildRequest[] = [];
  /** The image name of each `listBuilds` call, in order. */
  readonly listBuildsCalls: string[] = [];
  /** Every log stream opened, in order. */
  readonly streams: OpenLogStream[] = [];
  /** What `getGraph` answers (an empty graph by default). */
  graph: DependencyGraphResponse | Error = {
    nodes: [],
    edges: [],
    cycles: [],
    problems: [],
    sourceProblems: [],
  };
  /** What `getCascade` answers, by node id; an empty cascade otherwise. */
  cascades: Record<string, CascadePredictionResponse | WriteResult> = {};
  /** The node of each `getCascade` call, in order. */
  readonly cascadeCalls: string[] = [];
  /** What `listUpcomingRebuilds` answers. */
  upcoming: UpcomingRebuild[] | Error = [];
  /** How often `listUpcomingRebuilds` was called. */
  upcomingCalls = 0;
  /** What `listRegistryBudgets` answers. */
  registryBudgets: RegistryBudgetList | Error = { enabled: true, items: [] };
  /** The refinery as the wheel routes would show it; runs newest first. */
  refinery: {
    sets: WheelSetList | Error;
    runs: RefineryRunDetail[];
    queue: RefineryQueueState;
    wheels: RefineryWheelSummary[];
    /** Log lines by build id or run id (plan logs). */
    logs: Record<string, BuildLogLine[]>;
    /** What `startRefineryRun` does instead of queueing a run. */
    startResult?: WriteResult;
    /** The set of each `startRefineryRun` call, in order. */
    started: string[];
    /** What `cancelRefineryRun` answers instead of cancelling the run. */
    cancelResult?: WriteResult;
    /** The run id of each `cancelRefineryRun` call, in order. */
    cancelled?: string[];
  } = {
    sets: { sets: [], issues: [] },
    runs: [],
    queue: { queued: 0, running: 0, waiting: 0, planning: 0 },
    wheels: [],
    logs: {},
    started: [],
  };
  /** What `listArchivedImages` answers. */
  archived: ArchivedImageList | Error = { items: [] };
  /** Every image's audit trail, newest first. */
  audit: AuditEvent[] = [];
  /** Consumed one per `emergencyRebuild` call, before the default. */
  emergencyResults: WriteResult[] = [];
  /** Every `emergencyRebuild`, in order. */
  readonly emergencyRequests: Array<{ name: string; body: unknown }> = [];
  /** Each image's registry versions, and the calls for them. */
  readonly versions = new InMemoryImageVersions();
  /** Each image's stages and moves, the stage requests, and the overview. */
  readonly lifecycle = new InMemoryImageStages();

  constructor(...results: StatusResult[]) {
    if (results.length === 0) {
      throw new Error('InMemoryImageFactoryApi needs at least one result');
    }
    this.results = results;
  }

  getStatus(): Promise<ImageFactoryStatus> {
    const result = this.results[Math.min(this.calls, this.results.length - 1)];
    this.calls += 1;
    return settle(result);
  }

  listEnrollments(
    options: { state?: EnrollmentState } = {},
  ): Promise<EnrollmentList> {
    this.listCalls.push(options.state);
    if (this.listResult) {
      return settle<EnrollmentList>(this.listResult);
    }
    return settle({
      items: this.enrollments.filter(
        e => !options.state || e.state === options.state,
      ),
    });
  }

  getEnrollment(id: string): Promise<Enrollment> {
    const found = this.enrollments.find(e => e.id === id);
    return settle(found ?? new Error(`No enrollment with id '${id}'`));
  }

  enroll(request: EnrollImageRequest): Promise<EnrollmentResponse> {
    return this.write({ action: 'enroll', body: request }, request.image.name, {
      entry: request.image as Record<string, unknown>,
      reason: request.reason,
    });
  }

  unenrollImage(
    name: string,
    request: UnenrollImageRequest = {},
  ): Promise<EnrollmentResponse> {
    return this.write({ action: 'unenroll', name, body: request }, name, {
      reason: request.reason,
    });
  }

  changeImage(
    name: string,
    request: ChangeImageRequest,
  ): Promise<EnrollmentResponse> {
    return this.write({ action: 'change', name, body: request }, name, {
      reason: request.reason,
    });
  }

  enrollWheelSet(request: EnrollWheelSetRequest): Promise<EnrollmentResponse> {
    return this.write({ action: 'enroll', body: request }, request.set.name, {
      subject: 'wheel-set',
      entry: request.set as Record<string, unknown>,
      reason: request.reason,
      summary: `Enroll wheel set ${request.set.name} (owner ${request.set.owner})`,
    });
  }

  changeWheelSet(
    name: string,
    request: ChangeWheelSetRequest,
  ): Promise<EnrollmentResponse> {
    return this.write({ action: 'change', name, body: request }, name, {
      subject: 'wheel-set',
      reason: request.reason,
    });
  }

  unenrollWheelSet(
    name: string,
    request: UnenrollImageRequest = {},
  ): Promise<EnrollmentResponse> {
    return this.write({ action: 'unenroll', name, body: request }, name, {
      subject: 'wheel-set',
      reason: request.reason,
    });
  }

  private write(
    recorded: RecordedRequest,
    imageName: string,
    fields: Partial<Enrollment>,
  ): Promise<EnrollmentResponse> {
    this.requests.push(JSON.parse(JSON.stringify(recorded)));
    const scripted = this.writeResults.shift();
    if (scripted) {
      return settle<EnrollmentResponse>(scripted);
    }
    const open = this.enrollments.find(
      e =>
        e.state === 'open' &&
        e.action === recorded.action &&
        (e.subject ?? 'image') === (fields.subject ?? 'image') &&
        e.imageName === imageName,
    );
    if (open) {
      return settle({ enrollment: open, reused: true });
    }
    const number =
      Math.max(0, ...this.enrollments.map(e => e.pullRequest.number)) + 1;
    const enrollment = enrollmentFixture(
      { action: recorded.action, imageName, ...fields },
      number,
    );
    this.enrollments.unshift(enrollment);
    return settle({ enrollment, reused: false });
  }

  startBuild(
    name: string,
    request: StartBuildRequest = {},
  ): Promise<StartBuildResult> {
    this.buildRequests.push({
      call: 'start',
      target: name,
      body: JSON.parse(JSON.stringify(request)),
    });
    const scripted = this.buildResults.shift();
    if (scripted) {
      return settle<StartBuildResult>(scripted);
    }
    const active = this.builds.find(
      r => r.imageName === name && ACTIVE.includes(r.status),
    );
    if (active) {
      return settle({ run: active, alreadyActive: true });
    }
    const run = queuedRunFixture(
      {
        imageName: name,
        entityRef: `image:default/${name}`,
        requestedBy: 'user:default/guest',
        causeDetail: request.reason,
        createdAt: new Date().toISOString(),
      },
      100 + this.builds.length,
    );
    this.builds.unshift(run);
    return settle({ run, alreadyActive: false });
  }

  listBuilds(
    name: string,
    options: { limit?: number } = {},
  ): Promise<BuildRunList> {
    this.listBuildsCalls.push(name);
    const items = this.builds.filter(r => r.imageName === name);
    return settle({ items: items.slice(0, options.limit ?? items.length) });
  }

  getBuild(id: string): Promise<BuildRun> {
    const found = this.builds.find(r => r.id === id);
    return settle(found ?? new Error(`No build run with id '${id}'`));
  }

  getBuildLogs(
    id: string,
    options: { after?: number } = {},
  ): Promise<BuildLogPage> {
    const run = this.builds.find(r => r.id === id);
    return settle({
      items: (this.buildLogs[id] ?? []).filter(
        l => l.seq > (options.after ?? 0),
      ),
      done: !!run && !ACTIVE.includes(run.status),
    });
  }

  cancelBuild(id: string): Promise<BuildRun> {
    this.buildRequests.push({ call: 'cancel', target: id });
    const scripted = this.buildResults.shift();
    if (scripted) {
      return settle<BuildRun>(scripted);
    }
    const run = this.builds.find(r => r.id === id);
    if (!run) {
      return settle<BuildRun>(new Error(`No build run with id '${id}'`));
    }
    const cancelled: BuildRun = {
      ...run,
      status: 'cancelled',
      errorType: 'cancelled',
      reason: 'Cancelled by user:default/guest',
    };
    this.emitRun(cancelled);
    return settle(cancelled);
  }

  /**
   * Like the backend's stream: the lines already logged after `after`, then
   * whatever a test emits; a run that has finished ends at once.
   */
  streamBuildLogs(id: string, options: BuildLogStreamOptions): () => void {
    const stream: OpenLogStream = { id, options, closed: false };
    this.streams.push(stream);
    Promise.resolve().then(() => {
      if (stream.closed) {
        return;
      }
      (this.buildLogs[id] ?? [])
        .filter(l => l.seq > (options.after ?? 0))
        .forEach(l => options.onLine(l));
      const run = this.builds.find(r => r.id === id);
      if (run && !ACTIVE.includes(run.status)) {
        stream.closed = true;
        options.onEnd?.();
      }
    });
    return () => {
      stream.closed = true;
    };
  }

  getGraph(): Promise<DependencyGraphResponse> {
    return settle(this.graph);
  }

  getCascade(node: string): Promise<CascadePredictionResponse> {
    this.cascadeCalls.push(node);
    return settle(this.cascades[node] ?? { node, rebuilds: [], cut: [] });
  }

  listUpcomingRebuilds(): Promise<UpcomingRebuildList> {
    this.upcomingCalls += 1;
    return settle<UpcomingRebuildList>(
      this.upcoming instanceof Error ? this.upcoming : { items: this.upcoming },
    );
  }

  listRegistryBudgets(): Promise<RegistryBudgetList> {
    return settle(this.registryBudgets);
  }

  listArchivedImages(): Promise<ArchivedImageList> {
    return settle(this.archived);
  }

  listAudit(name: string): Promise<AuditEventList> {
    return settle({
      items: this.audit.filter(e => e.entityRef === `image:default/${name}`),
    });
  }

  /**
   * Like the backend with the permission: queues a run of the image (and one
   * of each image in `cascades` of its node, when asked) and audits it.
   */
  emergencyRebuild(
    name: string,
    request: EmergencyRebuildRequest,
  ): Promise<EmergencyRebuildResponse> {
    this.emergencyRequests.push({
      name,
      body: JSON.parse(JSON.stringify(request)),
    });
    const scripted = this.emergencyResults.shift();
    if (scripted) {
      return settle<EmergencyRebuildResponse>(scripted);
    }
    const entityRef = `image:default/${name}`;
    const node =
      this.graph instanceof Error
        ? undefined
        : this.graph.nodes.find(n => n.entityRef === entityRef);
    const cascade = node && this.cascades[node.id];
    const steps =
      request.cascade && cascade && typeof cascade === 'object'
        ? (cascade as CascadePredictionResponse).rebuilds ?? []
        : [];
    const names = [
      name,
      ...steps.map(step => step.entityRef.replace(/^.*\//, '')),
    ];
    const runs = names.map((imageName, i) =>
      queuedRunFixture(
        {
          imageName,
          entityRef: `image:default/${imageName}`,
          cause: 'emergency',
          requestedBy: 'user:default/guest',
          causeDetail: request.justification,
          createdAt: new Date().toISOString(),
        },
        200 + this.builds.length + i,
      ),
    );
    this.builds.unshift(...runs);
    const audit: AuditEvent = {
      id: `00000000-0000-4000-b000-${String(this.audit.length + 1).padStart(
        12,
        '0',
      )}`,
      entityRef,
      action: 'emergency-rebuild',
      actor: 'user:default/guest',
      justification: request.justification,
      at: new Date().toISOString(),
      summary: `queued ${runs.length} run(s)`,
      runIds: runs.map(r => r.id),
    };
    this.audit.unshift(audit);
    return settle({ runs, audit });
  }

  listImageVersions(
    name: string,
    query?: Partial<ImageVersionListQuery>,
  ): Promise<ImageVersionList> {
    return this.versions.list(name, query);
  }

  getImageVersion(name: string, digest: string): Promise<ImageVersion> {
    return this.versions.get(name, digest);
  }

  compareImageVersions(
    name: string,
    from: string,
    to: string,
  ): Promise<ImageVersionComparison> {
    return this.versions.compare(name, from, to);
  }

  refreshImageVersions(name: string): Promise<ImageVersionSource> {
    return this.versions.refresh(name);
  }

  listImageStages(name: string): Promise<ImageStageList> {
    return this.lifecycle.list(name);
  }

  /** Verification log lines by verification id. */
  verificationLogs: Record<string, BuildLogLine[]> = {};

  listWheelSets(): Promise<WheelSetList> {
    return settle(this.refinery.sets);
  }

  listRefineryRuns(
    options: { set?: string; limit?: number } = {},
  ): Promise<{ items: RefineryRun[] }> {
    const items = this.refinery.runs
      .filter(r => !options.set || r.set === options.set)
      .slice(0, options.limit ?? 20)
      .map(({ jobs, ...run }) => run);
    return settle({ items });
  }

  getRefineryRun(id: string): Promise<RefineryRunDetail> {
    const run = this.refinery.runs.find(r => r.id === id);
    return settle<RefineryRunDetail>(
      run ?? new Error(`No refinery run with id '${id}'`),
    );
  }

  cancelRefineryRun(id: string): Promise<RefineryRunDetail> {
    (this.refinery.cancelled ??= []).push(id);
    const scripted = this.refinery.cancelResult;
    if (scripted) return settle<RefineryRunDetail>(scripted);
    const run = this.refinery.runs.find(r => r.id === id);
    if (!run)
      return settle<RefineryRunDetail>(
        new Error(`No refinery run with id '${id}'`),
      );
    run.status = 'cancelled';
    run.error = 'Cancelled by user:default/guest';
    run.jobs = run.jobs.map(j =>
      ['waiting', 'queued', 'running'].includes(j.status)
        ? { ...j, status: 'cancelled' as const, error: run.error }
        : j,
    );
    return settle({ ...run });
  }

  startRefineryRun(set: string): Promise<RefineryRun> {
    this.refinery.started.push(set);
    const scripted = this.refinery.startResult;
    if (scripted) return settle<RefineryRun>(scripted);
    const run: RefineryRunDetail = {
      id: `run-${this.refinery.runs.length + 1}`,
      set,
      status: 'queued',
      targets: [],
      progress: { total: 0, finished: 0, failed: 0, running: 0 },
      failuresByCause: {},
      createdAt: new Date(0).toISOString(),
      jobs: [],
    };
    this.refinery.runs.unshift(run);
    const { jobs, ...summary } = run;
    return settle(summary);
  }

  getRefineryQueue(): Promise<RefineryQueueState> {
    return settle(this.refinery.queue);
  }

  listRefineryWheels(): Promise<{ items: RefineryWheelSummary[] }> {
    return settle({ items: this.refinery.wheels });
  }

  getRefineryWheel(project: string): Promise<RefineryWheelSummary> {
    const wheel = this.refinery.wheels.find(w => w.project === project);
    return settle<RefineryWheelSummary>(
      wheel ?? new Error(`The refinery knows no project '${project}'`),
    );
  }

  getRefineryLogs(
    _kind: 'jobs' | 'runs',
    id: string,
    options: { after?: number } = {},
  ): Promise<BuildLogPage> {
    const lines = this.refinery.logs[id] ?? [];
    return settle({
      items: lines.filter(l => l.seq > (options.after ?? 0)),
      done: true,
    });
  }

  getVerificationLogs(
    name: string,
    id: string,
    options: { after?: number } = {},
  ): Promise<BuildLogPage> {
    const verification = this.lifecycle.lists[name]?.verifications?.find(
      v => v.id === id,
    );
    if (!verification) {
      return settle<BuildLogPage>(
        new Error(`No verification ${id} of ${name}`),
      );
    }
    return settle({
      items: (this.verificationLogs[id] ?? []).filter(
        l => l.seq > (options.after ?? 0),
      ),
      done:
        verification.status === 'passed' || verification.status === 'failed',
    });
  }

  promoteImageStage(
    name: string,
    stage: string,
    request: PromoteStageRequest,
  ): Promise<ImageStageMove> {
    return this.lifecycle.promote(name, stage, request);
  }

  rollbackImageStage(
    name: string,
    stage: string,
    request: RollbackStageRequest = {},
  ): Promise<ImageStageMove> {
    return this.lifecycle.rollback(name, stage, request);
  }

  approveStageMove(
    name: string,
    stage: string,
    moveId: string,
    request: DecideStageMoveRequest = {},
  ): Promise<ImageStageMove> {
    return this.lifecycle.approve(name, stage, moveId, request);
  }

  rejectStageMove(
    name: string,
    stage: string,
    moveId: string,
    request: DecideStageMoveRequest = {},
  ): Promise<ImageStageMove> {
    return this.lifecycle.reject(name, stage, moveId, request);
  }

  getLifecycleOverview(
    options: { owner?: string } = {},
  ): Promise<LifecycleOverview> {
    return this.lifecycle.getOverview(options);
  }

  /** The open streams of a run. */
  openStreams(id: string): OpenLogStream[] {
    return this.streams.filter(s => s.id === id && !s.closed);
  }

  /** Appends a line to a run's log and sends it to the open streams. */
  emitLine(id: string, line: BuildLogLine) {
    (this.buildLogs[id] ??= []).push(line);
    this.openStreams(id).forEach(s => s.options.onLine(line));
  }

  /**
   * Stores a run's new state and sends it to the open streams, which end
   * when it has finished.
   */
  emitRun(run: BuildRun) {
    this.builds = this.builds.map(r => (r.id === run.id ? run : r));
    for (const stream of this.openStreams(run.id)) {
      stream.options.onRun?.(run);
      if (!ACTIVE.includes(run.status)) {
        stream.closed = true;
        stream.options.onEnd?.();
      }
    }
  }

  /** Fails the open streams of a run, as the client does after its retries. */
  failStreams(id: string, error: Error) {
    for (const stream of this.openStreams(id)) {
      stream.closed = true;
      stream.options.onError?.(error);
    }
  }
}
