import type {
  RefineryJobAttempt,
  RefineryQueueState,
  RefineryRunStatus,
  RefineryTargetPlan,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { LeasedRows } from './leasedRows';
import {
  JOB_FINISHED,
  JobRow,
  JOBS,
  RefineryJobRecord,
  RefineryRunRecord,
  RunRow,
  RUNS,
  toJobRecord,
  toRunRecord,
} from './rows';

/** A build a plan asks for. */
export interface NewRefineryJob {
  id: string;
  python: string;
  platform: string;
  project: string;
  version: string;
  round: number;
  sdistUrl: string;
  sdistSha256?: string;
}

/** How a build ended. */
export interface RefineryJobEnd {
  status: 'built' | 'reused' | 'failed';
  cause?: string;
  error?: string;
  emulated?: boolean;
  tries: RefineryJobAttempt[];
  files: string[];
}

/** The error of a build or plan whose backend stopped too often. */
export const INTERRUPTED =
  'interrupted: the backend stopped while it ran, too many times';

const targetKey = (j: { python: string; platform: string }) =>
  `${j.python} ${j.platform}`;

/** Why a finished run failed, in a sentence. */
function failureSummary(
  plan: RefineryTargetPlan[],
  jobs: RefineryJobRecord[],
): string | undefined {
  const parts: string[] = [];
  const failed = jobs.filter(j => j.status === 'failed');
  if (failed.length) {
    const causes = new Map<string, number>();
    for (const j of failed) {
      causes.set(
        j.cause ?? 'unknown',
        (causes.get(j.cause ?? 'unknown') ?? 0) + 1,
      );
    }
    parts.push(
      `${failed.length} of ${jobs.length} builds failed (${[...causes]
        .map(([c, n]) => `${c}: ${n}`)
        .join(', ')}): ${failed
        .map(j => `${j.project} ${j.version} on ${j.platform}`)
        .join(', ')}`,
    );
  }
  const skipped = jobs.filter(j => j.status === 'skipped').length;
  if (skipped)
    parts.push(`${skipped} not built because a build they need failed`);
  for (const t of plan.filter(p => p.error)) {
    parts.push(`${t.python} ${t.platform} was not planned: ${t.error}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * Refinery runs and their builds in the plugin database. A run is queued,
 * leased while a worker plans it, then `building` while its jobs are
 * leased one by one (round after round per target), and ends once every
 * job has. Whoever finishes the last job of a round opens the next one.
 */
export class RefineryRunStore {
  readonly runLeases: LeasedRows;
  readonly jobLeases: LeasedRows;

  static create(options: { client: Knex }): RefineryRunStore {
    return new RefineryRunStore(options.client);
  }

  private constructor(private readonly db: Knex) {
    this.runLeases = new LeasedRows(db, RUNS, {
      ready: 'queued',
      leased: 'planning',
    });
    this.jobLeases = new LeasedRows(db, JOBS, {
      ready: 'queued',
      leased: 'running',
    });
  }

  async createRun(run: {
    id: string;
    wheelSet: WheelSet;
    requestedBy?: string;
    now: Date;
  }): Promise<RefineryRunRecord> {
    const row: Omit<RunRow, 'lease_owner' | 'lease_expires_at'> = {
      id: run.id,
      set_name: run.wheelSet.name,
      status: 'queued',
      requested_by: run.requestedBy ?? null,
      wheel_set: JSON.stringify(run.wheelSet),
      plan: null,
      error: null,
      attempts: 0,
      created_at: run.now,
      started_at: null,
      finished_at: null,
    };
    await this.db(RUNS).insert(row);
    return toRunRecord({ ...row, lease_owner: null, lease_expires_at: null });
  }

  async getRun(id: string): Promise<RefineryRunRecord | undefined> {
    const row = await this.db<RunRow>(RUNS).where({ id }).first();
    return row && toRunRecord(row);
  }

  async getRuns(ids: string[]): Promise<RefineryRunRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db<RunRow>(RUNS).whereIn('id', ids);
    return rows.map(toRunRecord);
  }

  /** Runs newest first, of one set or all. */
  async listRuns(options: {
    set?: string;
    limit: number;
  }): Promise<RefineryRunRecord[]> {
    let query = this.db<RunRow>(RUNS);
    if (options.set) query = query.where({ set_name: options.set });
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    return rows.map(toRunRecord);
  }

  async getJob(id: string): Promise<RefineryJobRecord | undefined> {
    const row = await this.db<JobRow>(JOBS).where({ id }).first();
    return row && toJobRecord(row);
  }

  /** The builds of runs, in plan order. */
  async jobsOf(runIds: string[]): Promise<RefineryJobRecord[]> {
    if (runIds.length === 0) return [];
    const rows = await this.db<JobRow>(JOBS)
      .whereIn('run_id', runIds)
      .orderBy(['run_id', 'python', 'platform', 'round', 'project']);
    return rows.map(toJobRecord);
  }

  /** The newest build of each project, python and platform, over all runs. */
  async latestJobs(): Promise<RefineryJobRecord[]> {
    const rows = await this.db<JobRow>(JOBS).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    const seen = new Set<string>();
    const latest: RefineryJobRecord[] = [];
    for (const row of rows) {
      const key = `${row.project} ${row.python} ${row.platform}`;
      if (seen.has(key)) continue;
      seen.add(key);
      latest.push(toJobRecord(row));
    }
    return latest;
  }

  async queueState(): Promise<RefineryQueueState> {
    const [jobs, runs] = await Promise.all([
      this.db(JOBS)
        .whereIn('status', ['queued', 'running', 'waiting'])
        .select('status')
        .count({ n: '*' })
        .groupBy('status'),
      this.db(RUNS)
        .whereIn('status', ['queued', 'planning'])
        .count({ n: '*' })
        .first(),
    ]);
    const count = (s: string) =>
      Number(
        (jobs as Array<{ status: string; n: number | string }>).find(
          r => r.status === s,
        )?.n ?? 0,
      );
    return {
      queued: count('queued'),
      running: count('running'),
      waiting: count('waiting'),
      planning: Number(runs?.n ?? 0),
    };
  }

  /**
   * Records a run's plan and queues its first round, while `owner` holds
   * the run; false when it does not (any more).
   */
  async planned(options: {
    id: string;
    owner: string;
    plan: RefineryTargetPlan[];
    jobs: NewRefineryJob[];
    now: Date;
  }): Promise<boolean> {
    const { now } = options;
    const done = await this.db.transaction(async tx => {
      const updated = await tx(RUNS)
        .where({
          id: options.id,
          status: 'planning',
          lease_owner: options.owner,
        })
        .update({
          status: 'building',
          plan: JSON.stringify(options.plan),
          lease_owner: null,
          lease_expires_at: null,
        });
      if (!updated) return false;
      // Inserted in small batches: SQLite limits the variables of one statement.
      const rows = options.jobs.map(j => ({
        id: j.id,
        run_id: options.id,
        python: j.python,
        platform: j.platform,
        project: j.project,
        version: j.version,
        round: j.round,
        sdist_url: j.sdistUrl,
        sdist_sha256: j.sdistSha256 ?? null,
        status: j.round === 0 ? 'queued' : 'waiting',
        attempts: 0,
        created_at: now,
      }));
      if (rows.length) await tx.batchInsert(JOBS, rows, 50);
      return true;
    });
    if (done) await this.advance(options.id, now);
    return done;
  }

  /** Ends a run that could not be planned, while `owner` holds it. */
  async planFailed(options: {
    id: string;
    owner: string;
    error: string;
    now: Date;
  }): Promise<boolean> {
    const updated = await this.runLeases
      .owned(options.id, options.owner)
      .update({
        status: 'failed',
        error: options.error,
        lease_owner: null,
        lease_expires_at: null,
        finished_at: options.now,
      });
    return updated > 0;
  }

  /** Records how a build ended, while `owner` holds it, and moves its run on. */
  async finishJob(options: {
    id: string;
    owner: string;
    end: RefineryJobEnd;
    now: Date;
  }): Promise<boolean> {
    const { end, now } = options;
    const job = await this.getJob(options.id);
    const updated = await this.jobLeases
      .owned(options.id, options.owner)
      .update({
        status: end.status,
        cause: end.cause ?? null,
        error: end.error ?? null,
        emulated: end.emulated ?? null,
        tries: JSON.stringify(end.tries),
        files: JSON.stringify(end.files),
        lease_owner: null,
        lease_expires_at: null,
        finished_at: now,
      });
    if (updated && job) await this.advance(job.runId, now);
    return updated > 0;
  }

  /**
   * Moves a building run on: per target, the next round is queued once
   * every build of the earlier ones passed (or skipped when one failed);
   * once every build is over, the run ends. Safe to call from any backend
   * at any time: every write is conditional on the state it read.
   */
  async advance(
    runId: string,
    now: Date,
  ): Promise<RefineryRunStatus | undefined> {
    for (;;) {
      const run = await this.getRun(runId);
      if (!run || run.status !== 'building') return run?.status;
      const jobs = await this.jobsOf([runId]);
      let moved = false;
      const targets = new Map<string, RefineryJobRecord[]>();
      for (const j of jobs) {
        targets.set(targetKey(j), [...(targets.get(targetKey(j)) ?? []), j]);
      }
      for (const targetJobs of targets.values()) {
        const open = targetJobs.filter(j => !JOB_FINISHED.includes(j.status));
        if (open.length === 0) continue;
        const round = Math.min(...open.map(j => j.round));
        const current = open.filter(j => j.round === round);
        if (current.some(j => j.status !== 'waiting')) continue;
        const failed = targetJobs.filter(
          j =>
            j.round < round &&
            (j.status === 'failed' || j.status === 'skipped'),
        );
        const { python, platform } = targetJobs[0];
        if (failed.length) {
          moved =
            (await this.db(JOBS)
              .where({ run_id: runId, python, platform, status: 'waiting' })
              .update({
                status: 'skipped',
                error: `not built: ${failed
                  .map(j => j.project)
                  .join(', ')} failed in an earlier round`,
                finished_at: now,
              })) > 0 || moved;
        } else {
          moved =
            (await this.db(JOBS)
              .where({
                run_id: runId,
                python,
                platform,
                round,
                status: 'waiting',
              })
              .update({ status: 'queued' })) > 0 || moved;
        }
      }
      if (moved) continue;
      if (jobs.some(j => !JOB_FINISHED.includes(j.status))) return 'building';
      const error = failureSummary(run.plan ?? [], jobs);
      const status = error ? 'failed' : 'succeeded';
      await this.db(RUNS)
        .where({ id: runId, status: 'building' })
        .update({ status, error: error ?? null, finished_at: now });
      return status;
    }
  }

  /**
   * Cancels a run that has not ended: the run and its open builds become
   * `cancelled` and lose their leases, so the backend planning or building
   * them stops at its next lease renewal and can no longer record a result.
   * Answers the builds that were running (their backends stop them), or
   * undefined when the run is unknown or already over.
   */
  async cancel(options: {
    id: string;
    by: string;
    now: Date;
  }): Promise<{ runningJobs: string[] } | undefined> {
    const { id, now } = options;
    return this.db.transaction(async tx => {
      const updated = await tx(RUNS)
        .where({ id })
        .whereIn('status', ['queued', 'planning', 'building'])
        .update({
          status: 'cancelled',
          error: `Cancelled by ${options.by}`,
          lease_owner: null,
          lease_expires_at: null,
          finished_at: now,
        });
      if (!updated) return undefined;
      const running = await tx<JobRow>(JOBS)
        .select('id')
        .where({ run_id: id, status: 'running' });
      await tx(JOBS)
        .where({ run_id: id })
        .whereIn('status', ['waiting', 'queued', 'running'])
        .update({
          status: 'cancelled',
          error: `Cancelled by ${options.by}`,
          lease_owner: null,
          lease_expires_at: null,
          finished_at: now,
        });
      return { runningJobs: running.map(r => r.id) };
    });
  }

  /**
   * Plans and builds whose backend stopped: back to the queue while
   * attempts are left, else failed as interrupted (and their runs moved on).
   */
  async recoverExpired(options: { now: Date; maxAttempts: number }) {
    const runs = await this.runLeases.recoverExpired({
      ...options,
      fail: { status: 'failed', error: INTERRUPTED },
    });
    const jobs = await this.jobLeases.recoverExpired({
      ...options,
      fail: { status: 'failed', cause: 'interrupted', error: INTERRUPTED },
    });
    for (const id of jobs.failed) {
      const job = await this.getJob(id);
      if (job) await this.advance(job.runId, options.now);
    }
    return { runs, jobs };
  }
}
