import { BuildInputs } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { RunRow } from './rows';
import { BuildRunEnd, RecoveredRuns } from './types';

/**
 * Writes to a running run under its lease: every one names the lease owner,
 * so a backend that lost its lease (it stalled, another one took the run over)
 * can no longer write the run's inputs or outcome. Expired leases are
 * recovered here too.
 */
export class RunLeases {
  constructor(private readonly db: Knex) {}

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

  private owned(id: string, owner: string) {
    return this.db('build_runs').where({
      id,
      status: 'running',
      lease_owner: owner,
    });
  }
}
