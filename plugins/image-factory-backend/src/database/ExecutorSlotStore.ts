import { Knex } from 'knex';
import { isPostgres } from './buildRuns/rows';

const TABLE = 'executor_slots';

/** One held slot: which, and the token that proves the hold. */
export interface HeldSlot {
  executor: string;
  slot: number;
  holder: string;
}

/**
 * The build slots of each executor for every backend sharing the database
 * (`concurrency` rows per executor): a build takes a free slot (or one
 * whose lease expired: its backend stopped) with one conditional UPDATE,
 * renews it while it builds, and frees it after.
 */
export class DatabaseExecutorSlotStore {
  private readonly made = new Map<string, number>();

  static create(options: { client: Knex }): DatabaseExecutorSlotStore {
    return new DatabaseExecutorSlotStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  /** Takes a free slot of the executor, or returns undefined when all are held. */
  async acquire(options: {
    executor: string;
    concurrency: number;
    holder: string;
    owner: string;
    leaseMs: number;
    now: Date;
  }): Promise<HeldSlot | undefined> {
    const { executor, concurrency, holder, owner, now } = options;
    await this.makeSlots(executor, concurrency);
    const nowMs = now.getTime();
    const free = (q: Knex.QueryBuilder) =>
      q.whereNull('owner').orWhere('lease_expires_at', '<=', nowMs);
    const candidate = this.db(TABLE)
      .select('slot')
      .where({ executor })
      .andWhere('slot', '<', concurrency)
      .andWhere(free)
      .orderBy('slot')
      .limit(1);
    // Replicas asking at once each get another row, or none.
    if (isPostgres(this.db)) candidate.forUpdate().skipLocked();
    const updated = await this.db(TABLE)
      .where({ executor })
      .andWhere('slot', candidate)
      // Checked again on the row itself, under its lock.
      .andWhere(free)
      .update({
        holder,
        owner,
        lease_expires_at: nowMs + options.leaseMs,
      });
    if (updated === 0) return undefined;
    const row = await this.db(TABLE).where({ executor, holder }).first('slot');
    return row && { executor, slot: Number(row.slot), holder };
  }

  /** Keeps the hold; false when the slot was taken over (the lease had expired). */
  async renew(held: HeldSlot, until: Date): Promise<boolean> {
    const updated = await this.db(TABLE)
      .where({ executor: held.executor, slot: held.slot, holder: held.holder })
      .update({ lease_expires_at: until.getTime() });
    return updated > 0;
  }

  async release(held: HeldSlot): Promise<void> {
    await this.db(TABLE)
      .where({ executor: held.executor, slot: held.slot, holder: held.holder })
      .update({ holder: null, owner: null, lease_expires_at: null });
  }

  private async makeSlots(executor: string, concurrency: number) {
    if ((this.made.get(executor) ?? 0) >= concurrency) return;
    await this.db(TABLE)
      .insert(
        Array.from({ length: concurrency }, (_, slot) => ({ executor, slot })),
      )
      .onConflict(['executor', 'slot'])
      .ignore();
    this.made.set(executor, concurrency);
  }
}
