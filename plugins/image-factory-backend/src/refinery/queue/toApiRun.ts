import type {
  RefineryJob,
  RefineryRun,
  RefineryRunDetail,
} from '@image-factory/plugin-image-factory-common';
import { JOB_FINISHED, RefineryJobRecord, RefineryRunRecord } from './rows';

/** A build as the API shows it (no download URL: it may carry an index token). */
export function toApiJob(job: RefineryJobRecord): RefineryJob {
  const durationMs = job.tries.reduce((sum, t) => sum + t.durationMs, 0);
  return {
    id: job.id,
    runId: job.runId,
    python: job.python,
    platform: job.platform,
    project: job.project,
    version: job.version,
    round: job.round,
    status: job.status,
    ...(job.emulated !== undefined && { emulated: job.emulated }),
    ...(job.cause && { cause: job.cause }),
    ...(job.error && { error: job.error }),
    attempts: job.tries,
    files: job.files,
    ...(job.tries.length && { durationMs }),
    ...(job.startedAt && { startedAt: job.startedAt.toISOString() }),
    ...(job.finishedAt && { finishedAt: job.finishedAt.toISOString() }),
  };
}

/** A run with its progress, from its builds. */
export function toApiRun(
  run: RefineryRunRecord,
  jobs: RefineryJobRecord[],
): RefineryRun {
  const failuresByCause: Record<string, number> = {};
  for (const j of jobs.filter(x => x.status === 'failed')) {
    const cause = j.cause ?? 'unknown';
    failuresByCause[cause] = (failuresByCause[cause] ?? 0) + 1;
  }
  return {
    id: run.id,
    set: run.setName,
    status: run.status,
    ...(run.requestedBy && { requestedBy: run.requestedBy }),
    targets: run.plan ?? [],
    progress: {
      total: jobs.length,
      finished: jobs.filter(j => JOB_FINISHED.includes(j.status)).length,
      failed: jobs.filter(j => j.status === 'failed').length,
      running: jobs.filter(j => j.status === 'running').length,
    },
    failuresByCause,
    ...(run.error && { error: run.error }),
    createdAt: run.createdAt.toISOString(),
    ...(run.startedAt && { startedAt: run.startedAt.toISOString() }),
    ...(run.finishedAt && { finishedAt: run.finishedAt.toISOString() }),
  };
}

export function toApiRunDetail(
  run: RefineryRunRecord,
  jobs: RefineryJobRecord[],
): RefineryRunDetail {
  return { ...toApiRun(run, jobs), jobs: jobs.map(toApiJob) };
}
