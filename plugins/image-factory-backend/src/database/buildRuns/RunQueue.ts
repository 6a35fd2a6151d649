import { Knex } from 'knex';
import { BuildInputs } from '@image-factory/plugin-image-factory-common';
import { RunReads } from './RunReads';
import { ACTIVE, isPostgres, RunRow } from './rows';
import { BuildRunRecord, NewBuildRun } from './types';

/**
 * The build queue: runs go in (one active run per image, a second request
 * widening a queued one) and are claimed with a lease, emergencies first.
 */
export class RunQueue {
  constructor(private readonly db: Knex, private readonly reads: RunReads) {}

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
      return { run: (await this.reads.get(run.id))!, created: true };
    } catch (e) {
      // build_runs_active_image_idx refuses a second queued or running run.
      const active = await this.db<RunRow>('build_runs')
        .where('image_name', run.imageName)
        .whereIn('status', ACTIVE)
        .first();
      if (!active) throw e;
      await this.widenQueued(active, run.inputs.platforms);
      if (run.cause === 'emergency') await this.promoteQueued(active, run);
      return { run: (await this.reads.get(active.id))!, created: false };
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

  /**
   * A queued run joined by an emergency becomes one: claimed before every
   * other cause, forced, with the emergency's justification and requester.
   */
  private async promoteQueued(active: RunRow, run: NewBuildRun) {
    await this.db('build_runs')
      .where({ id: active.id, status: 'queued' })
      .update({
        cause: 'emergency',
        cause_detail: run.causeDetail ?? null,
        requested_by: run.requestedBy ?? active.requested_by,
        force: true,
      });
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
      if (claimed) return this.reads.get(claimed);
    }
    return undefined;
  }
}
