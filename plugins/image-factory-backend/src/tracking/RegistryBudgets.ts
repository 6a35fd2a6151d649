import {
  RegistryBudget,
  RegistryWaitReason,
} from '@image-factory/plugin-image-factory-common';
import { WatchedReference } from '../database';
import { RegistryRateLimit } from '../registry';
import { TokenBucket } from './TokenBucket';

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

const MINUTE_MS = 60 * 1000;
const HOUR_MINUTES = 60;
const DAY_MINUTES = 24 * 60;

interface HostState {
  config?: RegistryBudgetConfig;
  bucket?: TokenBucket;
  /** Requests sent per minute since the epoch, for the last day. */
  sent: Map<number, number>;
  reported?: { rateLimit: RegistryRateLimit; at: Date };
  postponed?: { until: Date; reason: RegistryWaitReason };
  lastError?: { message: string; at: Date };
}

/**
 * The request budgets of the registry hosts that tracking polls: a token
 * bucket per configured host, what each sent, what each registry reported
 * of its own limit, and why its checks wait.
 *
 * The state lives in memory: each backend instance has its own buckets and
 * counters, which start again (full) with it. The checks' schedule is in the
 * database and survives restarts; a restart may so spend up to one `burst`
 * more than the hourly rate.
 */
export class RegistryBudgets {
  private readonly hosts = new Map<string, HostState>();
  readonly countingSince: Date;

  static create(
    options: { registries?: RegistryBudgetConfig[]; now?: Date } = {},
  ): RegistryBudgets {
    return new RegistryBudgets(options.registries ?? [], options.now);
  }

  private constructor(registries: RegistryBudgetConfig[], now = new Date()) {
    this.countingSince = now;
    for (const config of registries) {
      this.hosts.set(config.host, {
        config,
        sent: new Map(),
        ...(config.requestsPerHour !== undefined && {
          bucket: new TokenBucket({
            requestsPerHour: config.requestsPerHour,
            burst:
              config.burst ?? Math.max(1, Math.ceil(config.requestsPerHour)),
            now,
          }),
        }),
      });
    }
  }

  /** Whether tracking asks this host at all. */
  polls(host: string): boolean {
    return this.hosts.get(host)?.config?.enabled !== false;
  }

  /** The check interval of the host's references. */
  intervalFor(host: string, fallbackMs: number): number {
    return this.hosts.get(host)?.config?.intervalMs ?? fallbackMs;
  }

  /**
   * Takes a token for one request to the host and counts it as sent.
   * Returns `true`, or when the next token is there if none is left. With
   * `onCredit`, the request goes even without a token, and the ones after
   * it wait for the debt to be paid.
   */
  take(
    host: string,
    now: Date,
    options: { onCredit?: boolean } = {},
  ): true | Date {
    const state = this.state(host);
    if (options.onCredit) {
      state.bucket?.takeOnCredit(now);
    } else if (state.bucket && !state.bucket.tryTake(now)) {
      return state.bucket.nextTokenAt(now);
    }
    this.count(state, now);
    return true;
  }

  private count(state: HostState, now: Date): void {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    state.sent.set(minute, (state.sent.get(minute) ?? 0) + 1);
    for (const key of state.sent.keys()) {
      if (key <= minute - DAY_MINUTES) state.sent.delete(key);
    }
  }

  /**
   * Takes a token for a request that is not a digest check (the Versions
   * view) only from the upper half of the host's bucket, so that such
   * requests never starve digest checks. Returns `true`, or when the upper
   * half has a token again; `'disabled'` for a host the config says
   * never to ask.
   */
  takeSurplus(host: string, now: Date): true | Date | 'disabled' {
    const state = this.state(host);
    // A host tracking must not ask is not asked for versions either.
    if (state.config?.enabled === false) return 'disabled';
    const bucket = state.bucket;
    if (bucket) {
      const reserve = Math.floor(bucket.burst / 2);
      if (!bucket.tryTakeAbove(reserve, now)) {
        return bucket.timeWhen(reserve + 1, now);
      }
    }
    this.count(state, now);
    return true;
  }

  /** Keeps what the registry's `RateLimit-*` headers said. */
  recordReported(host: string, rateLimit: RegistryRateLimit, now: Date): void {
    this.state(host).reported = { rateLimit, at: now };
  }

  /** Notes that the host's checks wait until `until`, and why. */
  recordPostponed(host: string, until: Date, reason: RegistryWaitReason): void {
    this.state(host).postponed = { until, reason };
  }

  /** Notes a failed check of one of the host's references. */
  recordError(host: string, message: string, now: Date): void {
    this.state(host).lastError = { message, at: now };
  }

  /**
   * Every configured host and every host with watched references, sorted,
   * with what it has spent and what it waits for at `now`.
   */
  snapshot(
    now: Date,
    watched: WatchedReference[],
    defaultIntervalMs: number,
  ): RegistryBudget[] {
    const byHost = new Map<string, WatchedReference[]>();
    for (const w of watched) {
      byHost.set(w.registry, [...(byHost.get(w.registry) ?? []), w]);
    }
    const hosts = [...new Set([...this.hosts.keys(), ...byHost.keys()])].sort();
    return hosts.map(host => {
      const state = this.hosts.get(host);
      const references = byHost.get(host) ?? [];
      const budget: RegistryBudget = {
        host,
        intervalMs: this.intervalFor(host, defaultIntervalMs),
        requestsLastHour: this.sentSince(state, now, HOUR_MINUTES),
        requestsLastDay: this.sentSince(state, now, DAY_MINUTES),
        watchedReferences: references.length,
        ...(!this.polls(host) && { enabled: false }),
      };
      if (state?.bucket) {
        budget.requestsPerHour = state.bucket.requestsPerHour;
        budget.burst = state.bucket.burst;
        budget.tokensLeft = Math.max(
          0,
          Math.floor(state.bucket.available(now) + 1e-9),
        );
        if (budget.tokensLeft < 1) {
          budget.nextTokenAt = state.bucket.nextTokenAt(now).toISOString();
        }
      }
      if (state?.reported) {
        const { rateLimit, at } = state.reported;
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
      if (state?.postponed && state.postponed.until > now) {
        budget.postponedUntil = state.postponed.until.toISOString();
        budget.postponedReason = state.postponed.reason;
      }
      if (references.length > 0) {
        const next = references.reduce(
          (min, r) => Math.min(min, r.nextCheckAt.getTime()),
          Infinity,
        );
        budget.nextCheckAt = new Date(next).toISOString();
      }
      if (state?.lastError) {
        budget.lastError = state.lastError.message;
        budget.lastErrorAt = state.lastError.at.toISOString();
      }
      return budget;
    });
  }

  private sentSince(
    state: HostState | undefined,
    now: Date,
    minutes: number,
  ): number {
    if (!state) return 0;
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    let total = 0;
    for (const [key, count] of state.sent) {
      if (key > minute - minutes && key <= minute) total += count;
    }
    return total;
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { sent: new Map() };
      this.hosts.set(host, state);
    }
    return state;
  }
}
