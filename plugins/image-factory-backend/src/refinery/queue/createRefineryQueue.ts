import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  RefineryRun,
  RefineryRunDetail,
  RefineryWheelSummary,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import Dockerode from 'dockerode';
import { Knex } from 'knex';
import { BuildEvents } from '../../builds/BuildEvents';
import { BuildLogStore, DatabaseBuildLogStore } from '../../database';
import type { RefineryMetrics } from '../RefineryMetrics';
import type { WheelFileStore } from '../store/WheelFileStore';
import type { WheelPublisher } from '../WheelPublisher';
import type { BuilderImages } from '../builders/BuilderImages';
import { ResolutionCache } from '../plan/ResolutionCache';
import { RefineryRunStore } from './RefineryRunStore';
import { RefineryWorker, RefineryWorkerConfig } from './RefineryWorker';
import { toApiJob, toApiRun, toApiRunDetail } from './toApiRun';
import { wheelSummaries } from './wheelSummaries';

/** The refinery's queue: runs asked for, their builds, logs and workers. */
export interface RefineryQueue {
  store: RefineryRunStore;
  /** Log lines of each build (by job id) and of each plan (by run id). */
  logs: BuildLogStore;
  events: BuildEvents;
  worker: RefineryWorker;
  /** Queues a run of a set, as wheels.yaml says it now. */
  request(set: WheelSet, requestedBy?: string): Promise<RefineryRun>;
  listRuns(options: { set?: string; limit: number }): Promise<RefineryRun[]>;
  getRun(id: string): Promise<RefineryRunDetail | undefined>;
  /**
   * Cancels a run that has not ended; its running builds stop (on this
   * backend now, on another at its next lease renewal). `over` when the run
   * had already ended; undefined when there is no such run.
   */
  cancel(
    id: string,
    by: string,
  ): Promise<{ run: RefineryRunDetail; over: boolean } | undefined>;
  wheels(): Promise<RefineryWheelSummary[]>;
}

/** Creates the refinery's queue and its worker (not started). */
export function createRefineryQueue(options: {
  client: Knex;
  docker: Dockerode;
  files: WheelFileStore;
  publisher: WheelPublisher;
  builders: Record<string, string>;
  builderImages?: BuilderImages;
  config: RefineryWorkerConfig;
  logger: LoggerService;
  metrics?: RefineryMetrics;
  clock?: () => Date;
  owner?: string;
  onChanged?: () => void;
}): RefineryQueue {
  const store = RefineryRunStore.create({ client: options.client });
  const logs = DatabaseBuildLogStore.create({
    client: options.client,
    table: 'refinery_job_logs',
    keyColumn: 'job_id',
  });
  const events = new BuildEvents();
  const now = options.clock ?? (() => new Date());
  const worker = new RefineryWorker({
    ...options,
    resolutions: new ResolutionCache(options.client),
    logger: options.logger.child({ component: 'refinery' }),
    store,
    logs,
    events,
  });
  return {
    store,
    logs,
    events,
    worker,
    async request(set, requestedBy) {
      const run = await store.createRun({
        id: randomUUID(),
        wheelSet: set,
        requestedBy,
        now: now(),
      });
      worker.wake();
      return toApiRun(run, []);
    },
    async listRuns(query) {
      const runs = await store.listRuns(query);
      const jobs = await store.jobsOf(runs.map(r => r.id));
      return runs.map(r =>
        toApiRun(
          r,
          jobs.filter(j => j.runId === r.id),
        ),
      );
    },
    async getRun(id) {
      const run = await store.getRun(id);
      return run && toApiRunDetail(run, await store.jobsOf([id]));
    },
    async cancel(id, by) {
      const cancelled = await store.cancel({ id, by, now: now() });
      if (cancelled) {
        worker.cancel([id, ...cancelled.runningJobs], `Cancelled by ${by}`);
        for (const changed of [id, ...cancelled.runningJobs]) {
          events.changed(changed);
        }
        options.onChanged?.();
      }
      const run = await store.getRun(id);
      if (!run) return undefined;
      return {
        run: toApiRunDetail(run, await store.jobsOf([id])),
        over: !cancelled,
      };
    },
    async wheels() {
      const latest = await store.latestJobs();
      const runs = await store.getRuns([...new Set(latest.map(j => j.runId))]);
      return wheelSummaries({
        files: options.files,
        builders: options.builders,
        latest: latest.map(j => {
          const run = runs.find(r => r.id === j.runId);
          const target = run?.plan?.find(
            t => t.python === j.python && t.platform === j.platform,
          );
          return {
            job: toApiJob(j),
            set: run?.setName,
            owner: run?.wheelSet.owner,
            builder: target?.builder,
            builderImage: target?.builderImage,
          };
        }),
      });
    },
  };
}
