import {
  BuildCause,
  BuildErrorType,
  BuildInputs,
  BuildPlatformResult,
  BuildRun,
  BuildStatus,
} from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { toDate } from './timestamps';

type RunRow = {
  id: string;
  image_name: string;
  entity_ref: string;
  cause: string;
  cause_detail: string | null;
  requested_by: string | null;
  status: string;
  reason: string | null;
  error_type: string | null;
  force: boolean | number;
  inputs: string;
  inputs_hash: string | null;
  reference: string | null;
  index_digest: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: string | number | Date | null;
  cancel_requested: boolean | number;
  created_at: string | number | Date;
  started_at: string | number | Date | null;
  finished_at: string | number | Date | null;
  version_tag: string | null;
  pruned_at: string | number | Date | null;
};

type PlatformRow = {
  run_id: string;
  platform: string;
  status: string;
  executor: string | null;
  emulated: boolean | number | null;
  digest: string | null;
  build_duration_ms: number | null;
  push_duration_ms: number | null;
  error: string | null;
  reused_from: string | null;
};

/** A run as the queue sees it: the API's view plus the queue's own fields. */
export interface BuildRunRecord extends BuildRun {
  force: boolean;
  inputsHash?: string;
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  cancelRequested: boolean;
}

/** What {@link BuildStore.enqueue} needs. */
export interface NewBuildRun {
  id: string;
  imageName: string;
  entityRef: string;
  cause: BuildCause;
  causeDetail?: string;
  requestedBy?: string;
  force: boolean;
  inputs: BuildInputs;
  createdAt: Date;
}

/** How a run ended. */
export interface BuildRunEnd {
  status: Extract<
    BuildStatus,
    'succeeded' | 'failed' | 'cancelled' | 'skipped'
  >;
  reason?: string;
  errorType?: BuildErrorType;
  indexDigest?: string;
  versionTag?: string;
}

/** The runs of {@link BuildStore.recoverExpired}, by what became of them. */
export interface RecoveredRuns {
  requeued: string[];
  failed: string[];
  cancelled: string[];
}

const ACTIVE: BuildStatus[] = ['queued', 'running'];

const optional = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<
    Record<K, V>
  >;

function toPlatform(row: PlatformRow): BuildPlatformResult {
  return {
    platform: row.platform,
    status: row.status as BuildStatus,
    ...optional('executor', row.executor),
    ...optional(
      'emulated',
      row.emulated === null ? undefined : Boolean(row.emulated),
    ),
    ...optional('digest', row.digest),
    ...optional('buildDurationMs', row.build_duration_ms),
    ...optional('pushDurationMs', row.push_duration_ms),
    ...optional('error', row.error),
    ...optional('reusedFrom', row.reused_from),
  };
}

function toRecord(row: RunRow, platformRows: PlatformRow[]): BuildRunRecord {
  const inputs = JSON.parse(row.inputs) as BuildInputs;
  const status = row.status as BuildStatus;
  const byPlatform = new Map(platformRows.map(p => [p.platform, p]));
  const platforms = [
    ...inputs.platforms,
    ...platformRows
      .map(p => p.platform)
      .filter(p => !inputs.platforms.includes(p)),
  ].map(platform => {
    const platformRow = byPlatform.get(platform);
    if (platformRow) return toPlatform(platformRow);
    // Not placed yet, or the run ended before it was.
    const pending = status === 'queued' || status === 'running';
    return { platform, status: pending ? ('queued' as const) : status };
  });
  const createdAt = toDate(row.created_at);
  const startedAt = row.started_at ? toDate(row.started_at) : undefined;
  const finishedAt = row.finished_at ? toDate(row.finished_at) : undefined;
  return {
    id: row.id,
    imageName: row.image_name,
    entityRef: row.entity_ref,
    cause: row.cause as BuildCause,
    ...optional('causeDetail', row.cause_detail),
    ...optional('requestedBy', row.requested_by),
    status,
    ...optional('reason', row.reason),
    ...optional('errorType', row.error_type as BuildErrorType | null),
    inputs,
    ...optional('reference', row.reference),
    ...optional('indexDigest', row.index_digest),
    ...optional('versionTag', row.version_tag),
    ...optional(
      'prunedAt',
      row.pruned_at ? toDate(row.pruned_at).toISOString() : undefined,
    ),
    platforms,
    attempts: Number(row.attempts),
    createdAt: createdAt.toISOString(),
    ...optional('startedAt', startedAt?.toISOString()),
    ...optional('finishedAt', finishedAt?.toISOString()),
    ...optional(
      'durationMs',
      startedAt && finishedAt
        ? finishedAt.getTime() - startedAt.getTime()
        : undefined,
    ),
    force: Boolean(row.force),
    ...optional('inputsHash', row.inputs_hash),
    ...optional('leaseOwner', row.lease_owner),
    ...optional(
      'leaseExpiresAt',
      row.lease_expires_at ? toDate(row.lease_expires_at) : undefined,
    ),
    cancelRequested: Boolean(row.cancel_requested),
  };
}

/** The API's view of a run, without the queue's fields. */
export function toBuildRun(record: BuildRunRecord): BuildRun {
  const {
    force: _force,
    inputsHash: _inputsHash,
    leaseOwner: _leaseOwner,
    leaseExpiresAt: _leaseExpiresAt,
    cancelRequested: _cancelRequested,
    ...run
  } = record;
  return run;
}

/**
 * The build queue and ledger. Every change of a running run names the lease
 * owner, so a backend that lost its lease (it stalled, another one took the
 * run over) can no longer write the run's outcome.
 */
export interface BuildStore {
  /** Queues a run, or returns the image's queued or running run (`created: false`). */
  enqueue(run: NewBuildRun): Promise<{ run: BuildRunRecord; created: boolean }>;
  get(id: string): Promise<BuildRunRecord | undefined>;
  /** Newest first. */
  list(filter: {
    imageName?: string;
    limit: number;
  }): Promise<BuildRunRecord[]>;
  /** The image's last succeeded run. */
  lastSucceeded(imageName: string): Promise<BuildRunRecord | undefined>;
  /** Successful runs whose images are still in the registry, newest first. */
  listRetained(imageName: string): Promise<BuildRunRecord[]>;
  /** Records that the retention policy removed these runs' images. */
  markPruned(ids: string[], now: Date): Promise<void>;
  /** Takes the oldest queued run (emergencies first, scheduled runs last) with a lease. */
  claim(options: {
    owner: string;
    leaseMs: number;
    now: Date;
  }): Promise<BuildRunRecord | undefined>;
  /** Extends a lease; false when the owner no longer holds it. */
  renewLease(options: {
    id: string;
    owner: string;
    leaseMs: number;
    now: Date;
  }): Promise<boolean>;
  /** Records what the run is built from; false when the lease is lost. */
  setInputs(options: {
    id: string;
    owner: string;
    inputs: BuildInputs;
    inputsHash: string;
    reference: string;
  }): Promise<boolean>;
  setPlatform(runId: string, result: BuildPlatformResult): Promise<void>;
  /** Ends a running run; false when the lease is lost. */
  finish(options: {
    id: string;
    owner: string;
    end: BuildRunEnd;
    now: Date;
  }): Promise<boolean>;
  /** Gives a running run back to the queue, not counting the attempt (shutdown). */
  release(options: { id: string; owner: string }): Promise<boolean>;
  /** Queues again, fails or cancels the runs whose lease expired. */
  recoverExpired(options: {
    now: Date;
    maxAttempts: number;
  }): Promise<RecoveredRuns>;
  /** Cancels a queued run at once, or asks the backend running it to stop. */
  requestCancel(
    id: string,
    now: Date,
  ): Promise<'cancelled' | 'requested' | 'finished' | undefined>;
  /** The running runs of an owner whose cancellation was asked for. */
  cancelRequested(owner: string): Promise<string[]>;
}

/** {@link BuildStore} on the plugin's database (SQLite or Postgres). */
export class DatabaseBuildStore implements BuildStore {
  static create(options: { client: Knex }): DatabaseBuildStore {
    return new DatabaseBuildStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async enqueue(
    run: NewBuildRun,
  ): Promise<{ run: BuildRunRecord; created: boolean }> {
    try {
      await this.db('build_runs').insert({
        id: run.id,
        image_name: run.imageName,
        entity_ref: run.entityRef,
        cause: run.cause,
        cause_detail: run.causeDetail ?? null,
        requested_by: run.requestedBy ?? null,
        status: 'queued',
        force: run.force,
        inputs: JSON.stringify(run.inputs),
        attempts: 0,
        cancel_requested: false,
        created_at: run.createdAt,
      });
      return { run: (await this.get(run.id))!, created: true };
    } catch (e) {
      // build_runs_active_image_idx refuses a second queued or running run.
      const active = await this.db<RunRow>('build_runs')
        .where('image_name', run.imageName)
        .whereIn('status', ACTIVE)
        .first();
      if (!active) throw e;
      await this.widenQueued(active, run.inputs.platforms);
      return { run: (await this.get(active.id))!, created: false };
    }
  }

  /**
   * A queued run asked for again with more platforms builds those too; a
   * running one is left as it is (its inputs are fixed once it started).
   */
  private async widenQueued(active: RunRow, platforms: string[]) {
    const inputs = JSON.parse(active.inputs) as BuildInputs;
    const missing = platforms.filter(p => !inputs.platforms.includes(p));
    if (active.status !== 'queued' || missing.length === 0) return;
    await this.db('build_runs')
      .where({ id: active.id, status: 'queued', inputs: active.inputs })
      .update({
        inputs: JSON.stringify({
          ...inputs,
          platforms: [...inputs.platforms, ...missing],
        }),
      });
  }

  async get(id: string): Promise<BuildRunRecord | undefined> {
    const row = await this.db<RunRow>('build_runs').where('id', id).first();
    if (!row) return undefined;
    const platforms = await this.db<PlatformRow>('build_platforms')
      .where('run_id', id)
      .orderBy('platform');
    return toRecord(row, platforms);
  }

  async list(filter: {
    imageName?: string;
    limit: number;
  }): Promise<BuildRunRecord[]> {
    let query = this.db<RunRow>('build_runs')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.imageName) query = query.where('image_name', filter.imageName);
    const rows = await query;
    return this.withPlatforms(rows);
  }

  async lastSucceeded(imageName: string): Promise<BuildRunRecord | undefined> {
    const row = await this.db<RunRow>('build_runs')
      .where({ image_name: imageName, status: 'succeeded' })
      .orderBy('finished_at', 'desc')
      .first();
    return row ? (await this.withPlatforms([row]))[0] : undefined;
  }

  /**
   * Successful runs of an image whose images are still in the registry
   * (pushed under a versioned tag, not pruned yet), newest first.
   */
  async listRetained(imageName: string): Promise<BuildRunRecord[]> {
    const rows = await this.db<RunRow>('build_runs')
      .where({ image_name: imageName, status: 'succeeded' })
      .whereNotNull('version_tag')
      .whereNull('pruned_at')
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'desc');
    return this.withPlatforms(rows);
  }

  /** Records that the retention policy removed these runs' images. */
  async markPruned(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db('build_runs').whereIn('id', ids).update({ pruned_at: now });
  }

  async claim(options: {
    owner: string;
    leaseMs: number;
    now: Date;
  }): Promise<BuildRunRecord | undefined> {
    const { owner, leaseMs, now } = options;
    // A few tries: on SQLite another process may take the row between the
    // select and the conditional update.
    for (let i = 0; i < 3; i++) {
      const claimed = await this.db.transaction(async tx => {
        let query = tx<RunRow>('build_runs')
          .select('id')
          .where('status', 'queued')
          // When capacity is short: emergency > base change (and what a
          // person asked for) > scheduled, then oldest first.
          .orderByRaw(
            "CASE cause WHEN 'emergency' THEN 0 WHEN 'scheduled' THEN 2 ELSE 1 END, created_at",
          )
          .limit(1);
        // Postgres replicas claim at the same time: SKIP LOCKED gives each
        // a different row instead of making them wait for the first one's
        // lock. SQLite has one writer at a time, so the conditional update
        // below is all it needs.
        if (isPostgres(tx)) query = query.forUpdate().skipLocked();
        const row = await query.first();
        if (!row) return null;
        const updated = await tx('build_runs')
          .where({ id: row.id, status: 'queued' })
          .update({
            status: 'running',
            lease_owner: owner,
            lease_expires_at: new Date(now.getTime() + leaseMs),
            attempts: tx.raw('attempts + 1'),
            started_at: now,
          });
        if (!updated) return undefined;
        // What an interrupted attempt recorded is replaced by this one.
        await tx('build_platforms').where('run_id', row.id).delete();
        return row.id as string;
      });
      if (claimed === null) return undefined;
      if (claimed) return this.get(claimed);
    }
    return undefined;
  }

  async renewLease(options: {
    id: string;
    owner: string;
    leaseMs: number;
    now: Date;
  }): Promise<boolean> {
    const updated = await this.owned(options.id, options.owner).update({
      lease_expires_at: new Date(options.now.getTime() + options.leaseMs),
    });
    return updated > 0;
  }

  async setInputs(options: {
    id: string;
    owner: string;
    inputs: BuildInputs;
    inputsHash: string;
    reference: string;
  }): Promise<boolean> {
    const updated = await this.owned(options.id, options.owner).update({
      inputs: JSON.stringify(options.inputs),
      inputs_hash: options.inputsHash,
      reference: options.reference,
    });
    return updated > 0;
  }

  async setPlatform(runId: string, result: BuildPlatformResult): Promise<void> {
    await this.db('build_platforms')
      .insert({
        run_id: runId,
        platform: result.platform,
        status: result.status,
        executor: result.executor ?? null,
        emulated: result.emulated ?? null,
        digest: result.digest ?? null,
        build_duration_ms: result.buildDurationMs ?? null,
        push_duration_ms: result.pushDurationMs ?? null,
        error: result.error ?? null,
        reused_from: result.reusedFrom ?? null,
      })
      .onConflict(['run_id', 'platform'])
      .merge();
  }

  async finish(options: {
    id: string;
    owner: string;
    end: BuildRunEnd;
    now: Date;
  }): Promise<boolean> {
    const { end } = options;
    const updated = await this.owned(options.id, options.owner).update({
      status: end.status,
      reason: end.reason ?? null,
      error_type: end.errorType ?? null,
      index_digest: end.indexDigest ?? null,
      version_tag: end.versionTag ?? null,
      lease_owner: null,
      lease_expires_at: null,
      finished_at: options.now,
    });
    return updated > 0;
  }

  async release(options: { id: string; owner: string }): Promise<boolean> {
    const updated = await this.owned(options.id, options.owner).update({
      status: 'queued',
      lease_owner: null,
      lease_expires_at: null,
      attempts: this.db.raw('attempts - 1'),
    });
    return updated > 0;
  }

  async recoverExpired(options: {
    now: Date;
    maxAttempts: number;
  }): Promise<RecoveredRuns> {
    const { now, maxAttempts } = options;
    const recovered: RecoveredRuns = {
      requeued: [],
      failed: [],
      cancelled: [],
    };
    const expired = await this.db<RunRow>('build_runs')
      .where('status', 'running')
      .where('lease_expires_at', '<', now);
    for (const row of expired) {
      const attempts = Number(row.attempts);
      // Only while nobody renewed or ended it since it was read.
      const stillExpired = () =>
        this.db('build_runs')
          .where({ id: row.id, status: 'running', attempts })
          .where('lease_owner', row.lease_owner ?? '')
          .where('lease_expires_at', '<', now);
      const released = {
        lease_owner: null,
        lease_expires_at: null,
      };
      if (row.cancel_requested) {
        if (
          await stillExpired().update({
            ...released,
            status: 'cancelled',
            reason: 'cancelled',
            error_type: 'cancelled',
            finished_at: now,
          })
        ) {
          recovered.cancelled.push(row.id);
        }
      } else if (attempts < maxAttempts) {
        if (await stillExpired().update({ ...released, status: 'queued' })) {
          recovered.requeued.push(row.id);
        }
      } else if (
        await stillExpired().update({
          ...released,
          status: 'failed',
          error_type: 'interrupted',
          reason: `interrupted: the backend stopped while building; retried ${
            attempts - 1
          } times`,
          finished_at: now,
        })
      ) {
        recovered.failed.push(row.id);
      }
    }
    return recovered;
  }

  async requestCancel(
    id: string,
    now: Date,
  ): Promise<'cancelled' | 'requested' | 'finished' | undefined> {
    const cancelledQueued = await this.db('build_runs')
      .where({ id, status: 'queued' })
      .update({
        status: 'cancelled',
        reason: 'cancelled before it started',
        error_type: 'cancelled',
        finished_at: now,
      });
    if (cancelledQueued) return 'cancelled';
    const requested = await this.db('build_runs')
      .where({ id, status: 'running' })
      .update({ cancel_requested: true });
    if (requested) return 'requested';
    return (await this.db('build_runs').where('id', id).first())
      ? 'finished'
      : undefined;
  }

  async cancelRequested(owner: string): Promise<string[]> {
    const rows = await this.db<RunRow>('build_runs')
      .select('id')
      .where({ status: 'running', lease_owner: owner })
      .whereNot('cancel_requested', false);
    return rows.map(r => r.id);
  }

  private owned(id: string, owner: string) {
    return this.db('build_runs').where({
      id,
      status: 'running',
      lease_owner: owner,
    });
  }

  private async withPlatforms(rows: RunRow[]): Promise<BuildRunRecord[]> {
    if (rows.length === 0) return [];
    const platforms = await this.db<PlatformRow>('build_platforms')
      .whereIn(
        'run_id',
        rows.map(r => r.id),
      )
      .orderBy('platform');
    return rows.map(row =>
      toRecord(
        row,
        platforms.filter(p => p.run_id === row.id),
      ),
    );
  }
}

function isPostgres(db: Knex): boolean {
  const client = String(db.client.config.client);
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}
