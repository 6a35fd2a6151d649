import { Knex } from 'knex';
import { isPostgres } from '../../database/buildRuns/rows';

/**
 * Claims, renewals and expiry of rows leased by one backend at a time, on
 * a table with `status`, `lease_owner`, `lease_expires_at` and `attempts`
 * columns (refinery runs while they are planned, jobs while they build).
 * Every write of a leased row names its owner, so a backend that lost the
 * lease can no longer change it.
 */
export class LeasedRows {
  constructor(
    private readonly db: Knex,
    private readonly table: string,
    /** The status of a claimable row and of a leased one. */
    private readonly states: { ready: string; leased: string },
  ) {}

  /** Leases the oldest ready row; its id, or undefined when none is ready. */
  async claim(options: {
    owner: string;
    leaseMs: number;
    now: Date;
  }): Promise<string | undefined> {
    const { owner, leaseMs, now } = options;
    // A few tries: on SQLite another process may take the row between the
    // select and the conditional update.
    for (let i = 0; i < 3; i++) {
      const claimed = await this.db.transaction(async tx => {
        let query = tx(this.table)
          .select('id')
          .where('status', this.states.ready)
          .orderBy([
            { column: 'created_at', order: 'asc' },
            { column: 'id', order: 'asc' },
          ])
          .limit(1);
        // Replicas on Postgres each get another row instead of waiting.
        if (isPostgres(tx)) query = query.forUpdate().skipLocked();
        const row = await query.first();
        if (!row) return null;
        const updated = await tx(this.table)
          .where({ id: row.id, status: this.states.ready })
          .update({
            status: this.states.leased,
            lease_owner: owner,
            lease_expires_at: new Date(now.getTime() + leaseMs),
            attempts: tx.raw('attempts + 1'),
            started_at: now,
          });
        return updated ? (row.id as string) : undefined;
      });
      if (claimed === null) return undefined;
      if (claimed) return claimed;
    }
    return undefined;
  }

  /** The row while this owner holds it, for a conditional update. */
  owned(id: string, owner: string) {
    return this.db(this.table).where({
      id,
      status: this.states.leased,
      lease_owner: owner,
    });
  }

  async renew(options: {
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

  /** Gives a held row back to the queue (the backend is stopping); this attempt does not count. */
  async release(id: string, owner: string): Promise<boolean> {
    const updated = await this.owned(id, owner).update({
      status: this.states.ready,
      lease_owner: null,
      lease_expires_at: null,
      attempts: this.db.raw('attempts - 1'),
    });
    return updated > 0;
  }

  /**
   * Rows whose lease expired (their backend stopped or stalled): back to
   * the queue while attempts are left, else `fail` is written. Returns the
   * ids of both.
   */
  async recoverExpired(options: {
    now: Date;
    maxAttempts: number;
    fail: Record<string, unknown>;
  }): Promise<{ requeued: string[]; failed: string[] }> {
    const { now } = options;
    const result = { requeued: [] as string[], failed: [] as string[] };
    const expired = await this.db(this.table)
      .where('status', this.states.leased)
      .where('lease_expires_at', '<', now);
    for (const row of expired) {
      const attempts = Number(row.attempts);
      // Only while nobody renewed or ended it since it was read.
      const stillExpired = () =>
        this.db(this.table)
          .where({ id: row.id, status: this.states.leased, attempts })
          .where('lease_owner', row.lease_owner ?? '')
          .where('lease_expires_at', '<', now);
      const released = { lease_owner: null, lease_expires_at: null };
      if (attempts < options.maxAttempts) {
        if (
          await stillExpired().update({
            ...released,
            status: this.states.ready,
          })
        ) {
          result.requeued.push(row.id);
        }
      } else if (
        await stillExpired().update({
          ...released,
          ...options.fail,
          finished_at: now,
        })
      ) {
        result.failed.push(row.id);
      }
    }
    return result;
  }
}
