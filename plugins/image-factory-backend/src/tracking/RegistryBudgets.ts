import {
  RegistryBudget,
  RegistryWaitReason,
} from '@image-factory/plugin-image-factory-common';
import {
  BucketLimits,
  RegistryBudgetStore,
  WatchedReference,
} from '../database';
import { RegistryRateLimit } from '../registry';
import { MemoryRegistryBudgetStore } from './MemoryRegistryBudgetStore';
import { refilledTokens, timeWhenTokens } from './TokenBucket';

/** The budget of one registry host, from `imageFactory.tracking.registries`. */
export interface RegistryBudgetConfig {
  /** The host as written in image references (`docker.io`, `localhost:5000`). */
  host: string;
  /** Bucket refill rate; absent: unlimited. */
  requestsPerHour?: number;
  /** Bucket capacity; with `requestsPerHour`, at least 1. */
  burst?: number;
  /** Check interval of the host's references, overriding `tracking.interval`. */
  intervalMs?: number;
  /** False: the host's references are never asked for (a registry out of reach). */
  enabled?: boolean;
}

/**
 * The request budgets of the registry hosts that tracking polls: a token
 * bucket per configured host, what each sent, what each registry reported
 * of its own limit, and why its checks wait.
 *
 * The state is in a {@link RegistryBudgetStore}: in the database (as the
 * plugin wires it) it is one budget per host for every backend sharing the
 * database, and survives restarts; in memory it is this process's alone.
 */
export class RegistryBudgets {
  private readonly configs = new Map<string, RegistryBudgetConfig>();
  private readonly store: RegistryBudgetStore;

  static create(
    options: {
      registries?: RegistryBudgetConfig[];
      /** Where budgets are kept; in this process's memory when absent. */
      store?: RegistryBudgetStore;
      /** When an in-memory store starts counting. */
      now?: Date;
    } = {},
  ): RegistryBudgets {
    return new RegistryBudgets(
      options.registries ?? [],
      options.store ?? new MemoryRegistryBudgetStore(options.now),
    );
  }

  private constructor(
    registries: RegistryBudgetConfig[],
    store: RegistryBudgetStore,
  ) {
    this.store = store;
    for (const config of registries) this.configs.set(config.host, config);
  }

  /** The host's bucket limits; undefined for a host without a budget. */
  private limits(host: string): BucketLimits | undefined {
    const rate = this.configs.get(host)?.requestsPerHour;
    if (rate === undefined) return undefined;
    return {
      requestsPerHour: rate,
      burst: this.configs.get(host)?.burst ?? Math.max(1, Math.ceil(rate)),
    };
  }

  /** Whether tracking asks this host at all. */
  polls(host: string): boolean {
    return this.configs.get(host)?.enabled !== false;
  }

  /** The check interval of the host's references. */
  intervalFor(host: string, fallbackMs: number): number {
    return this.configs.get(host)?.intervalMs ?? fallbackMs;
  }

  /**
   * Takes a token for one request to the host and counts it as sent.
   * Returns `true`, or when the next token is there if none is left. With
   * `onCredit`, the request goes even without a token, and the ones after
   * it wait for the debt to be paid.
   */
  async take(
    host: string,
    now: Date,
    options: { onCredit?: boolean } = {},
  ): Promise<true | Date> {
    const limits = this.limits(host);
    const taken = await this.store.take(
      host,
      limits,
      options.onCredit ? 'credit' : 1,
      now,
    );
    if (taken === true || !limits) return true;
    return timeWhenTokens(refilledTokens(taken, limits, now), 1, limits, now);
  }

  /**
   * Takes a token for a request that is not a digest check (the Versions
   * view) only from the upper half of the host's bucket, so that such
   * requests never starve digest checks. Returns `true`, or when the upper
   * half has a token again; `'disabled'` for a host the config says
   * never to ask.
   */
  async takeSurplus(
    host: string,
    now: Date,
  ): Promise<true | Date | 'disabled'> {
    // A host tracking must not ask is not asked for versions either.
    if (!this.polls(host)) return 'disabled';
    const limits = this.limits(host);
    const reserve = limits ? Math.floor(limits.burst / 2) : 0;
    const taken = await this.store.take(host, limits, reserve + 1, now);
    if (taken === true || !limits) return true;
    return timeWhenTokens(
      refilledTokens(taken, limits, now),
      reserve + 1,
      limits,
      now,
    );
  }

  /** Keeps what the registry's `RateLimit-*` headers said. */
  async recordReported(
    host: string,
    rateLimit: RegistryRateLimit,
    now: Date,
  ): Promise<void> {
    await this.store.note(host, { reported: { rateLimit, at: now } });
  }

  /** Notes that the host's checks wait until `until`, and why. */
  async recordPostponed(
    host: string,
    until: Date,
    reason: RegistryWaitReason,
  ): Promise<void> {
    await this.store.note(host, { postponed: { until, reason } });
  }

  /** Notes a failed check of one of the host's references. */
  async recordError(host: string, message: string, now: Date): Promise<void> {
    await this.store.note(host, { lastError: { message, at: now } });
  }

  /**
   * Every configured host and every host with watched references, sorted,
   * with what it has spent and what it waits for at `now`.
   */
  async snapshot(
    now: Date,
    watched: WatchedReference[],
    defaultIntervalMs: number,
  ): Promise<{ countingSince: Date; items: RegistryBudget[] }> {
    const byHost = new Map<string, WatchedReference[]>();
    for (const w of watched) {
      byHost.set(w.registry, [...(byHost.get(w.registry) ?? []), w]);
    }
    const stored = await this.store.list(now);
    const records = new Map(stored.hosts.map(r => [r.host, r]));
    const hosts = [
      ...new Set([...this.configs.keys(), ...records.keys(), ...byHost.keys()]),
    ].sort();
    const items = hosts.map(host => {
      const record = records.get(host);
      const references = byHost.get(host) ?? [];
      const budget: RegistryBudget = {
        host,
        intervalMs: this.intervalFor(host, defaultIntervalMs),
        requestsLastHour: record?.requestsLastHour ?? 0,
        requestsLastDay: record?.requestsLastDay ?? 0,
        watchedReferences: references.length,
        ...(!this.polls(host) && { enabled: false }),
      };
      const limits = this.limits(host);
      if (limits) {
        // A host not asked yet has a full bucket.
        const tokens = record?.bucket
          ? refilledTokens(record.bucket, limits, now)
          : limits.burst;
        budget.requestsPerHour = limits.requestsPerHour;
        budget.burst = limits.burst;
        budget.tokensLeft = Math.max(0, Math.floor(tokens + 1e-9));
        if (budget.tokensLeft < 1) {
          budget.nextTokenAt = timeWhenTokens(
            tokens,
            1,
            limits,
            now,
          ).toISOString();
        }
      }
      if (record?.reported) {
        const { rateLimit, at } = record.reported;
        budget.reported = {
          ...(rateLimit.limit !== undefined && { limit: rateLimit.limit }),
          ...(rateLimit.remaining !== undefined && {
            remaining: rateLimit.remaining,
          }),
          ...(rateLimit.resetMs !== undefined && {
            resetAt: new Date(at.getTime() + rateLimit.resetMs).toISOString(),
          }),
          ...(rateLimit.windowMs !== undefined && {
            windowSeconds: rateLimit.windowMs / 1000,
          }),
          reportedAt: at.toISOString(),
        };
      }
      if (record?.postponed && record.postponed.until > now) {
        budget.postponedUntil = record.postponed.until.toISOString();
        budget.postponedReason = record.postponed.reason;
      }
      if (references.length > 0) {
        const next = references.reduce(
          (min, r) => Math.min(min, r.nextCheckAt.getTime()),
          Infinity,
        );
        budget.nextCheckAt = new Date(next).toISOString();
      }
      if (record?.lastError) {
        budget.lastError = record.lastError.message;
        budget.lastErrorAt = record.lastError.at.toISOString();
      }
      return budget;
    });
    return { countingSince: stored.countingSince, items };
  }
}
