import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ArchivedImageList,
  AuditEventList,
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
import {
  BuildLogStreamTiming,
  DEFAULT_LOG_STREAM_TIMING,
  followBuildLogs,
} from './followBuildLogs';
import type {
  BuildLogStreamOptions,
  ImageFactoryApi,
  StartBuildResult,
} from './ImageFactoryApi';

/** `?name=value` of the numeric parameters given, or nothing. */
function queryOf(params: Record<string, number | string | undefined>): string {
  const given = Object.entries(params).filter(([, v]) => v !== undefined);
  return given.length
    ? `?${new URLSearchParams(given.map(([k, v]) => [k, String(v)]))}`
    : '';
}

/**
 * Talks to the Image Factory backend plugin (`pluginId: 'image-factory'`).
 *
 * @public
 */
export class ImageFactoryClient implements ImageFactoryApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly logStreamTiming: BuildLogStreamTiming;

  constructor(options: {
    discoveryApi: DiscoveryApi;
    fetchApi: FetchApi;
    /** How build logs are followed: reconnect backoff and polling fallback. */
    logStreamTiming?: Partial<BuildLogStreamTiming>;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.logStreamTiming = {
      ...DEFAULT_LOG_STREAM_TIMING,
      ...options.logStreamTiming,
    };
  }

  /**
   * Fetches `GET /api/image-factory/status` with the user's token. Throws a
   * `ResponseError` when the backend answers with an error status.
   */
  async getStatus(): Promise<ImageFactoryStatus> {
    return this.request<ImageFactoryStatus>('GET', '/status');
  }

  /** {@inheritDoc ImageFactoryApi.enroll} */
  async enroll(request: EnrollImageRequest): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>('POST', '/enrollments', request);
  }

  /** {@inheritDoc ImageFactoryApi.listEnrollments} */
  async listEnrollments(
    options: { state?: EnrollmentState } = {},
  ): Promise<EnrollmentList> {
    const query = options.state
      ? `?${new URLSearchParams({ state: options.state })}`
      : '';
    return this.request<EnrollmentList>('GET', `/enrollments${query}`);
  }

  /** {@inheritDoc ImageFactoryApi.getEnrollment} */
  async getEnrollment(id: string): Promise<Enrollment> {
    return this.request<Enrollment>(
      'GET',
      `/enrollments/${encodeURIComponent(id)}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.enrollWheelSet} */
  async enrollWheelSet(
    request: EnrollWheelSetRequest,
  ): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>('POST', '/refinery/sets', request);
  }

  /** {@inheritDoc ImageFactoryApi.changeWheelSet} */
  async changeWheelSet(
    name: string,
    request: ChangeWheelSetRequest,
  ): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>(
      'POST',
      `/refinery/sets/${encodeURIComponent(name)}/changes`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.unenrollWheelSet} */
  async unenrollWheelSet(
    name: string,
    request: UnenrollImageRequest = {},
  ): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>(
      'POST',
      `/refinery/sets/${encodeURIComponent(name)}/unenroll`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.unenrollImage} */
  async unenrollImage(
    name: string,
    request: UnenrollImageRequest = {},
  ): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>(
      'POST',
      `/images/${encodeURIComponent(name)}/unenroll`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.changeImage} */
  async changeImage(
    name: string,
    request: ChangeImageRequest,
  ): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>(
      'POST',
      `/images/${encodeURIComponent(name)}/changes`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.startBuild} */
  async startBuild(
    name: string,
    request: StartBuildRequest = {},
  ): Promise<StartBuildResult> {
    const response = await this.send(
      'POST',
      `/images/${encodeURIComponent(name)}/builds`,
      request,
    );
    // 202: a new run was queued; 200: the queued or running one is returned.
    return {
      run: (await response.json()) as BuildRun,
      alreadyActive: response.status === 200,
    };
  }

  /** {@inheritDoc ImageFactoryApi.listBuilds} */
  async listBuilds(
    name: string,
    options: { limit?: number } = {},
  ): Promise<BuildRunList> {
    const query = queryOf({ limit: options.limit });
    return this.request<BuildRunList>(
      'GET',
      `/images/${encodeURIComponent(name)}/builds${query}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.getBuild} */
  async getBuild(id: string): Promise<BuildRun> {
    return this.request<BuildRun>('GET', `/builds/${encodeURIComponent(id)}`);
  }

  /** {@inheritDoc ImageFactoryApi.getBuildLogs} */
  async getBuildLogs(
    id: string,
    options: { after?: number } = {},
  ): Promise<BuildLogPage> {
    const query = queryOf({ after: options.after });
    return this.request<BuildLogPage>(
      'GET',
      `/builds/${encodeURIComponent(id)}/logs${query}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.cancelBuild} */
  async cancelBuild(id: string): Promise<BuildRun> {
    return this.request<BuildRun>(
      'POST',
      `/builds/${encodeURIComponent(id)}/cancel`,
    );
  }

  /**
   * Follows a run's log live over Server-Sent Events
   * (`GET /api/image-factory/builds/:id/logs/stream`). EventSource cannot
   * send the user's token, so the stream is read from a `fetchApi` response
   * body; after a drop it reconnects from the last line (`Last-Event-ID` and
   * `?after=`) with a bounded backoff, and it polls the log pages when the
   * stream is refused or keeps failing. Returns a function that stops it.
   */
  streamBuildLogs(id: string, options: BuildLogStreamOptions): () => void {
    const path = `/builds/${encodeURIComponent(id)}`;
    return followBuildLogs(
      {
        openStream: async (after, signal) => {
          const baseUrl = await this.discoveryApi.getBaseUrl('image-factory');
          const query = new URLSearchParams({ after: String(after) });
          return this.fetchApi.fetch(`${baseUrl}${path}/logs/stream?${query}`, {
            headers: {
              Accept: 'text/event-stream',
              ...(after > 0 && { 'Last-Event-ID': String(after) }),
            },
            signal,
          });
        },
        getLogs: after => this.getBuildLogs(id, { after }),
        getRun: () => this.getBuild(id),
      },
      options,
      this.logStreamTiming,
    );
  }

  /** {@inheritDoc ImageFactoryApi.getGraph} */
  async getGraph(): Promise<DependencyGraphResponse> {
    return this.request<DependencyGraphResponse>('GET', '/graph');
  }

  /** {@inheritDoc ImageFactoryApi.getCascade} */
  async getCascade(node: string): Promise<CascadePredictionResponse> {
    return this.request<CascadePredictionResponse>(
      'GET',
      `/graph/cascade?${new URLSearchParams({ node })}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.listRegistryBudgets} */
  async listRegistryBudgets(): Promise<RegistryBudgetList> {
    return this.request<RegistryBudgetList>('GET', '/tracking/registries');
  }

  /** {@inheritDoc ImageFactoryApi.listUpcomingRebuilds} */
  async listUpcomingRebuilds(): Promise<UpcomingRebuildList> {
    return this.request<UpcomingRebuildList>('GET', '/rebuilds/upcoming');
  }

  /** {@inheritDoc ImageFactoryApi.emergencyRebuild} */
  async emergencyRebuild(
    name: string,
    request: EmergencyRebuildRequest,
  ): Promise<EmergencyRebuildResponse> {
    return this.request<EmergencyRebuildResponse>(
      'POST',
      `/images/${encodeURIComponent(name)}/emergency-rebuilds`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.listArchivedImages} */
  async listArchivedImages(): Promise<ArchivedImageList> {
    return this.request<ArchivedImageList>('GET', '/images/archived');
  }

  /** {@inheritDoc ImageFactoryApi.listAudit} */
  async listAudit(name: string): Promise<AuditEventList> {
    return this.request<AuditEventList>(
      'GET',
      `/images/${encodeURIComponent(name)}/audit`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.listImageVersions} */
  async listImageVersions(
    name: string,
    query: Partial<ImageVersionListQuery> = {},
  ): Promise<ImageVersionList> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      // Booleans and numbers as the backend's query schema reads them.
      if (value !== undefined && value !== '') {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    return this.request<ImageVersionList>(
      'GET',
      `${this.versionsPath(name)}${search ? `?${search}` : ''}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.getImageVersion} */
  async getImageVersion(name: string, digest: string): Promise<ImageVersion> {
    return this.request<ImageVersion>(
      'GET',
      `${this.versionsPath(name)}/${encodeURIComponent(digest)}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.compareImageVersions} */
  async compareImageVersions(
    name: string,
    from: string,
    to: string,
  ): Promise<ImageVersionComparison> {
    return this.request<ImageVersionComparison>(
      'GET',
      `${this.versionsPath(name)}/compare?${new URLSearchParams({ from, to })}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.refreshImageVersions} */
  async refreshImageVersions(name: string): Promise<ImageVersionSource> {
    return this.request<ImageVersionSource>(
      'POST',
      `${this.versionsPath(name)}/refresh`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.listImageStages} */
  async listImageStages(name: string): Promise<ImageStageList> {
    return this.request<ImageStageList>('GET', this.stagesPath(name));
  }

  /** {@inheritDoc ImageFactoryApi.listWheelSets} */
  async listWheelSets(): Promise<WheelSetList> {
    return this.request<WheelSetList>('GET', '/refinery/sets');
  }

  /** {@inheritDoc ImageFactoryApi.listRefineryRuns} */
  async listRefineryRuns(
    options: { set?: string; limit?: number } = {},
  ): Promise<{ items: RefineryRun[] }> {
    return this.request('GET', `/refinery/runs${queryOf(options)}`);
  }

  /** {@inheritDoc ImageFactoryApi.getRefineryRun} */
  async getRefineryRun(id: string): Promise<RefineryRunDetail> {
    return this.request('GET', `/refinery/runs/${encodeURIComponent(id)}`);
  }

  /** {@inheritDoc ImageFactoryApi.startRefineryRun} */
  async startRefineryRun(set: string): Promise<RefineryRun> {
    return this.request(
      'POST',
      `/refinery/sets/${encodeURIComponent(set)}/runs`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.cancelRefineryRun} */
  async cancelRefineryRun(id: string): Promise<RefineryRunDetail> {
    return this.request(
      'POST',
      `/refinery/runs/${encodeURIComponent(id)}/cancel`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.getRefineryQueue} */
  async getRefineryQueue(): Promise<RefineryQueueState> {
    return this.request('GET', '/refinery/queue');
  }

  /** {@inheritDoc ImageFactoryApi.listRefineryWheels} */
  async listRefineryWheels(): Promise<{ items: RefineryWheelSummary[] }> {
    return this.request('GET', '/refinery/wheels');
  }

  /** {@inheritDoc ImageFactoryApi.getRefineryWheel} */
  async getRefineryWheel(project: string): Promise<RefineryWheelSummary> {
    return this.request(
      'GET',
      `/refinery/wheels/${encodeURIComponent(project)}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.getRefineryLogs} */
  async getRefineryLogs(
    kind: 'jobs' | 'runs',
    id: string,
    options: { after?: number } = {},
  ): Promise<BuildLogPage> {
    return this.request(
      'GET',
      `/refinery/${kind}/${encodeURIComponent(id)}/logs${queryOf({
        after: options.after,
      })}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.getVerificationLogs} */
  async getVerificationLogs(
    name: string,
    id: string,
    options: { after?: number } = {},
  ): Promise<BuildLogPage> {
    const query = queryOf({ after: options.after });
    return this.request<BuildLogPage>(
      'GET',
      `/images/${encodeURIComponent(name)}/verifications/${encodeURIComponent(
        id,
      )}/logs${query}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.promoteImageStage} */
  async promoteImageStage(
    name: string,
    stage: string,
    request: PromoteStageRequest,
  ): Promise<ImageStageMove> {
    return this.moveStage(
      `${this.stagesPath(name)}/${encodeURIComponent(stage)}/promotions`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.rollbackImageStage} */
  async rollbackImageStage(
    name: string,
    stage: string,
    request: RollbackStageRequest = {},
  ): Promise<ImageStageMove> {
    return this.moveStage(
      `${this.stagesPath(name)}/${encodeURIComponent(stage)}/rollback`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.approveStageMove} */
  async approveStageMove(
    name: string,
    stage: string,
    moveId: string,
    request: DecideStageMoveRequest = {},
  ): Promise<ImageStageMove> {
    return this.moveStage(
      `${this.movePath(name, stage, moveId)}/approve`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.rejectStageMove} */
  async rejectStageMove(
    name: string,
    stage: string,
    moveId: string,
    request: DecideStageMoveRequest = {},
  ): Promise<ImageStageMove> {
    return this.moveStage(
      `${this.movePath(name, stage, moveId)}/reject`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.getLifecycleOverview} */
  async getLifecycleOverview(
    options: { owner?: string } = {},
  ): Promise<LifecycleOverview> {
    const query = options.owner
      ? `?${new URLSearchParams({ owner: options.owner })}`
      : '';
    return this.request<LifecycleOverview>('GET', `/lifecycle${query}`);
  }

  // A move the registry refused answers 502 with the failed move as its body:
  // that is a result to show, not an error of the request.
  private async moveStage(
    path: string,
    body: unknown,
  ): Promise<ImageStageMove> {
    const baseUrl = await this.discoveryApi.getBaseUrl('image-factory');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (response.ok) {
      return (await response.json()) as ImageStageMove;
    }
    if (response.status === 502) {
      const move = (await response
        .clone()
        .json()
        .catch(() => undefined)) as ImageStageMove | undefined;
      if (move && move.status === 'failed' && typeof move.id === 'string') {
        return move;
      }
    }
    throw await ResponseError.fromResponse(response);
  }

  private stagesPath(name: string): string {
    return `/images/${encodeURIComponent(name)}/stages`;
  }

  private movePath(name: string, stage: string, moveId: string): string {
    return `${this.stagesPath(name)}/${encodeURIComponent(
      stage,
    )}/moves/${encodeURIComponent(moveId)}`;
  }

  private versionsPath(name: string): string {
    return `/images/${encodeURIComponent(name)}/versions`;
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await this.send(method, path, body);
    return (await response.json()) as T;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('image-factory');
    // fetchApi, not the global fetch: it adds the user's token, which every route requires.
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers:
        body === undefined
          ? { Accept: 'application/json' }
          : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
