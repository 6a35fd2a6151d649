import { RegistryWaitReason } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { RegistryRateLimit } from '../registry';
import { isPostgres } from './buildRuns/rows';

const BUDGETS = 'registry_budgets';
const REQUESTS = 'registry_requests';
const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MINUTES = 24 * 60;
// Refill is fractional; a token promised for a time can be 0.9999999 of one then.
const EPSILON = 1e-9;

/** A host's bucket: refill rate and capacity. */
export interface BucketLimits {
  requestsPerHour: number;
  burst: number;
}

/** A bucket's tokens (below 0 while in debt) as of `at`, before refill since. */
export interface BucketState {
  tokens: number;
  at: Date;
}

/**
 * What a request needs from the bucket: `need` whole tokens there (1, or 1
 * and a reserve left for others), or `'credit'`: it goes in any case and
 * leaves the bucket in debt.
 */
export type TakeNeed = number | 'credit';

/** What tracking noted about a host, shown with its budget. */
export interface RegistryHostNotes {
  reported?: { rateLimit: RegistryRateLimit; at: Date };
  postponed?: { until: Date; reason: RegistryWaitReason };
  lastError?: { message: string; at: Date };
}

/** A host's budget state and what was sent to it. */
export interface RegistryHostRecord extends RegistryHostNotes {
  host: string;
  bucket?: BucketState;
  requestsLastHour: number;
  requestsLastDay: number;
}

/** Where the registry hosts' request budgets are kept. */
export interface RegistryBudgetStore {
  /**
   * Takes one token from the host's bucket (none for a host without
   * limits) and counts a request sent; returns `true`, or the bucket's
   * state when it has too few tokens and nothing was taken.
   */
  take(
    host: string,
    limits: BucketLimits | undefined,
    need: TakeNeed,
    now: Date,
  ): Promise<true | BucketState>;
  /** Keeps what is noted about the host, over what was noted before. */
  note(host: string, notes: RegistryHostNotes): Promise<void>;
  /** Every host with a budget, a request or a note, and since when requests are counted. */
  list(
    now: Date,
  ): Promise<{ countingSince: Date; hosts: RegistryHostRecord[] }>;
}

type BudgetRow = {
  host: string;
  tokens: number | null;
  tokens_at: number | string | null;
  created_at: number | string;
  reported: string | null;
  reported_at: number | string | null;
  postponed_until: number | string | null;
  postponed_reason: string | null;
  last_error: string | null;
  last_error_at: number | string | null;
};

const num = (v: number | string | null): number | undefined =>
  v === null ? undefined : Number(v);

/**
 * The budgets in the database, one row per host for every backend that
 * shares it: a token is taken by one conditional UPDATE (refill, check and
 * take in one statement, which PostgreSQL re-checks under the row lock), so
 * replicas never spend one token twice, and a restart keeps what was spent.
 */
export class DatabaseRegistryBudgetStore implements RegistryBudgetStore {
  private readonly ready = new Set<string>();
  private lastPruneMinute = 0;

  static create(options: { client: Knex }): DatabaseRegistryBudgetStore {
    return new DatabaseRegistryBudgetStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async take(
    host: string,
    limits: BucketLimits | undefined,
    need: TakeNeed,
    now: Date,
  ): Promise<true | BucketState> {
    await this.ensureRow(host, limits, now);
    if (limits) {
      const nowMs = now.getTime();
      const pg = isPostgres(this.db);
      const real = pg ? 'double precision' : 'REAL';
      const [least, greatest] = pg ? ['LEAST', 'GREATEST'] : ['MIN', 'MAX'];
      // The tokens there are at `now`: refilled since tokens_at, never above
      // the burst; a clock behind tokens_at adds nothing.
      const refilled = `${least}(CAST(? AS ${real}), tokens + ${greatest}(0, ? - tokens_at) * CAST(? AS ${real}) / ${HOUR_MS})`;
      const refillArgs = [limits.burst, nowMs, limits.requestsPerHour];
      const left =
        need === 'credit'
          ? this.db.raw(`${refilled} - 1`, refillArgs)
          : this.db.raw(`${greatest}(0, ${refilled} - 1)`, refillArgs);
      let update = this.db(BUDGETS)
        .where({ host })
        .update({
          tokens: left,
          tokens_at: this.db.raw(`${greatest}(tokens_at, ?)`, [nowMs]),
        });
      if (need !== 'credit') {
        update = update.andWhereRaw(`${refilled} >= ?`, [
          ...refillArgs,
          need - EPSILON,
        ]);
      }
      const updated = await update;
      if (updated === 0) {
        const row: Pick<BudgetRow, 'tokens' | 'tokens_at'> = await this.db(
          BUDGETS,
        )
          .where({ host })
          .first('tokens', 'tokens_at');
        return {
          tokens: Number(row.tokens),
          at: new Date(Number(row.tokens_at)),
        };
      }
    }
    await this.count(host, now);
    return true;
  }

  async note(host: string, notes: RegistryHostNotes): Promise<void> {
    await this.ensureRow(host, undefined, notes.reported?.at ?? new Date());
    await this.db(BUDGETS)
      .where({ host })
      .update({
        ...(notes.reported && {
          reported: JSON.stringify(notes.reported.rateLimit),
          reported_at: notes.reported.at.getTime(),
        }),
        ...(notes.postponed && {
          postponed_until: notes.postponed.until.getTime(),
          postponed_reason: notes.postponed.reason,
        }),
        ...(notes.lastError && {
          last_error: notes.lastError.message,
          last_error_at: notes.lastError.at.getTime(),
        }),
      });
  }

  async list(
    now: Date,
  ): Promise<{ countingSince: Date; hosts: RegistryHostRecord[] }> {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    const [rows, sent] = await Promise.all([
      this.db<BudgetRow>(BUDGETS).select(),
      this.db(REQUESTS)
        .where('minute', '>', minute - DAY_MINUTES)
        .andWhere('minute', '<=', minute)
        .groupBy('host')
        .select(
          'host',
          this.db.raw('SUM(count) AS day'),
          this.db.raw(
            'SUM(CASE WHEN minute > ? THEN count ELSE 0 END) AS hour',
            [minute - 60],
          ),
        ) as Promise<
        { host: string; day: number | string; hour: number | string }[]
      >,
    ]);
    const sentBy = new Map(sent.map(s => [s.host, s]));
    const hosts = new Set([...rows.map(r => r.host), ...sentBy.keys()]);
    const byHost = new Map(rows.map(r => [r.host, r]));
    let countingSince = now.getTime();
    for (const row of rows) {
      countingSince = Math.min(countingSince, Number(row.created_at));
    }
    return {
      countingSince: new Date(countingSince),
      hosts: [...hosts].sort().map(host => {
        const row = byHost.get(host);
        const s = sentBy.get(host);
        const record: RegistryHostRecord = {
          host,
          requestsLastHour: Number(s?.hour ?? 0),
          requestsLastDay: Number(s?.day ?? 0),
        };
        if (!row) return record;
        const tokensAt = num(row.tokens_at);
        if (row.tokens !== null && tokensAt !== undefined) {
          record.bucket = {
            tokens: Number(row.tokens),
            at: new Date(tokensAt),
          };
        }
        if (row.reported !== null && row.reported_at !== null) {
          record.reported = {
            rateLimit: JSON.parse(row.reported),
            at: new Date(Number(row.reported_at)),
          };
        }
        if (row.postponed_until !== null && row.postponed_reason !== null) {
          record.postponed = {
            until: new Date(Number(row.postponed_until)),
            reason: row.postponed_reason as RegistryWaitReason,
          };
        }
        if (row.last_error !== null && row.last_error_at !== null) {
          record.lastError = {
            message: row.last_error,
            at: new Date(Number(row.last_error_at)),
          };
        }
        return record;
      }),
    };
  }

  /**
   * The host's row, with a full bucket the first time it has limits; made
   * once per host and process.
   */
  private async ensureRow(
    host: string,
    limits: BucketLimits | undefined,
    now: Date,
  ): Promise<void> {
    const key = `${host} ${limits ? 'limited' : 'open'}`;
    if (this.ready.has(key)) return;
    await this.db(BUDGETS)
      .insert({
        host,
        tokens: limits?.burst ?? null,
        tokens_at: limits ? now.getTime() : null,
        created_at: now.getTime(),
      })
      .onConflict('host')
      .ignore();
    if (limits) {
      // A host that had no budget until now starts with a full one.
      await this.db(BUDGETS)
        .where({ host })
        .whereNull('tokens')
        .update({ tokens: limits.burst, tokens_at: now.getTime() });
    }
    this.ready.add(key);
  }

  private async count(host: string, now: Date): Promise<void> {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    await this.db(REQUESTS)
      .insert({ host, minute, count: 1 })
      .onConflict(['host', 'minute'])
      .merge({ count: this.db.raw('?? + 1', [`${REQUESTS}.count`]) });
    if (minute - this.lastPruneMinute >= 10) {
      this.lastPruneMinute = minute;
      await this.db(REQUESTS)
        .where('minute', '<=', minute - DAY_MINUTES)
        .delete();
    }
  }
}
