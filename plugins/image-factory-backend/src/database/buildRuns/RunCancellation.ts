import { Knex } from 'knex';
import { RunRow } from './rows';

/** Cancelling runs: a queued one at once, a running one by asking the backend that holds it. */
export class RunCancellation {
  constructor(private readonly db: Knex) {}

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
}
