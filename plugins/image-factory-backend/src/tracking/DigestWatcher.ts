import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import {
  ImageRef,
  parseImageRef,
  RegistryBudget,
  RegistryWaitReason,
} from '@image-factory/plugin-image-factory-common';
import { DigestStore, WatchedReference } from '../database';
import {
  ManifestNotFoundError,
  OciRegistryClient,
  RegistryRateLimit,
  RegistryRateLimitError,
} from '../registry';
import { indexPlatforms } from './indexPlatforms';
import { RegistryBudgets } from './RegistryBudgets';
import { TrackingCheckResult, TrackingMetrics } from './TrackingMetrics';
import { trackingKey } from './referenceKey';

/** The default time between two checks of one reference. */
export const DEFAULT_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** The default spread of the interval, as a fraction of it (±10%). */
export const DEFAULT_JITTER = 0.1;
/** The default wait after a transient failure without `Retry-After`. */
export const DEFAULT_RETRY_DELAY_MS = 15 * 60 * 1000;

/** The part of the registry client the watcher uses. */
export type ManifestReader = Pick<
  OciRegistryClient,
  'headManifest' | 'getManifest'
>;

/** Options of {@link DigestWatcher.create}. */
export interface DigestWatcherOptions {
  store: DigestStore;
  registry: ManifestReader;
  logger: LoggerService;
  /** Default `() => new Date()`. */
  clock?: () => Date;
  /** Time between two checks of one reference. Default 24 hours. */
  intervalMs?: number;
  /** Each interval is stretched or shrunk by up to this fraction. Default 0.1. */
  jitter?: number;
  /** Wait after a transient failure, or a 429 without `Retry-After`. Default 15 minutes. */
  retryDelayMs?: number;
  /** Values in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
  /**
   * Request budget and check interval per registry host. A token is taken
   * before each HEAD; the GET that follows a new digest takes one on
   * credit, which later checks wait for. Default: no budget, and
   * `intervalMs` for every host.
   */
  budgets?: RegistryBudgets;
  /** Counters of checks, rate-limit waits and digest changes. Default: none. */
  metrics?: TrackingMetrics;
}

/** A reference whose digest moved since the last check. */
export interface DigestChange {
  reference: string;
  oldDigest: string;
  newDigest: string;
  /** Platforms whose child digest changed or which are new. */
  changedPlatforms: string[];
  /** Platforms the new index no longer has. */
  removedPlatforms: string[];
  /** When the factory first saw `newDigest`; rebuild delays count from here. */
  firstSeenAt: Date;
}

/** A check that failed; the reference keeps its digests and gets a next check. */
export interface DigestCheckError {
  reference: string;
  name: string;
  message: string;
  transient: boolean;
  nextCheckAt: Date;
}

/**
 * Thrown inside a check that must not go on, so that the reference is
 * postponed with the rest of its host instead of failing.
 */
class HostHeld extends Error {
  constructor(readonly until: Date, readonly reason: RegistryWaitReason) {
    super(`Registry checks held until ${until.toISOString()} (${reason})`);
  }
}

/** What one {@link DigestWatcher.runDue} did. */
export interface DigestWatcherSummary {
  /** References whose check succeeded. */
  checked: string[];
  /** References observed for the first time (no change to report yet). */
  discovered: Array<{ reference: string; digest: string; firstSeenAt: Date }>;
  changed: DigestChange[];
  errors: DigestCheckError[];
  /**
   * Due references not asked for because their registry asked to slow down
   * or its request budget is spent; they are due again at `until`.
   */
  postponed: Array<{ reference: string; until: Date }>;
}

/**
 * Polls the digests of watched references: one HEAD per unique reference per
 * interval (which Docker Hub does not count as a pull), and a GET only when
 * the digest is new, to learn each platform's child digest of an index. The
 * schedule lives in the store, so it survives restarts and is shared by
 * replicas; the caller runs {@link DigestWatcher.runDue} on a schedule.
 */
export class DigestWatcher {
  private readonly clock: () => Date;
  private readonly intervalMs: number;
  private referenceIntervals = new Map<string, number>();
  private readonly jitter: number;
  private readonly retryDelayMs: number;
  private readonly random: () => number;
  private readonly budgets: RegistryBudgets;

  static create(options: DigestWatcherOptions): DigestWatcher {
    return new DigestWatcher(options);
  }

  private constructor(private readonly options: DigestWatcherOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.intervalMs = options.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    this.jitter = options.jitter ?? DEFAULT_JITTER;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.random = options.random ?? Math.random;
    this.budgets =
      options.budgets ?? RegistryBudgets.create({ now: this.clock() });
    if (!(this.jitter >= 0 && this.jitter < 1)) {
      throw new RangeError(`jitter: must be in [0, 1), got ${this.jitter}`);
    }
  }

  /**
   * Watches the base references of all images, however many images share
   * one. References pinned only by digest cannot change and are ignored, as
   * are those of a registry whose tracking is switched off.
   */
  async setWatched(
    references: Iterable<string>,
    /** Check intervals of single references (images' `watch.interval`), overriding the registry's. */
    intervals?: Map<string, number>,
  ): Promise<{ watched: string[]; ignored: string[] }> {
    this.referenceIntervals = new Map(
      [...(intervals ?? [])].flatMap(([reference, ms]) => {
        const key = trackingKey(reference);
        return key ? [[key, ms] as const] : [];
      }),
    );
    const watched = new Set<string>();
    const ignored = new Set<string>();
    for (const reference of references) {
      const key = trackingKey(reference);
      // A registry switched off in the config is never asked.
      if (key && this.budgets.polls(parseImageRef(key).registry)) {
        watched.add(key);
      } else {
        ignored.add(reference);
      }
    }
    const keys = [...watched].sort();
    await this.options.store.syncWatched(
      keys.map(reference => ({
        reference,
        registry: parseImageRef(reference).registry,
      })),
      this.clock(),
    );
    return { watched: keys, ignored: [...ignored].sort() };
  }

  /**
   * Checks every reference that is due, one after another. A host whose
   * budget is spent, or whose registry asked to wait, is held back: its
   * remaining due references move to when it may be asked again.
   */
  async runDue(): Promise<DigestWatcherSummary> {
    const now = this.clock();
    const summary: DigestWatcherSummary = {
      checked: [],
      discovered: [],
      changed: [],
      errors: [],
      postponed: [],
    };
    const heldHosts = new Map<string, Date>();
    const hold = async (
      registry: string,
      until: Date,
      reason: RegistryWaitReason,
    ) => {
      heldHosts.set(registry, until);
      await this.options.store.postponeRegistry(registry, until);
      this.budgets.recordPostponed(registry, until, reason);
      this.options.metrics?.rateLimitWait(registry, reason);
      this.options.logger.info('Registry checks postponed', {
        registry,
        reason,
        until: until.toISOString(),
      });
    };
    for (const due of await this.options.store.listDue(now)) {
      const until = heldHosts.get(due.registry);
      if (until) {
        summary.postponed.push({ reference: due.reference, until });
        continue;
      }
      try {
        const { result, rateLimit } = await this.check(due, now, summary);
        summary.checked.push(due.reference);
        this.options.metrics?.checked(due.registry, result);
        if (rateLimit?.remaining === 0) {
          await hold(
            due.registry,
            new Date(now.getTime() + (rateLimit.resetMs ?? this.retryDelayMs)),
            'ratelimit-header',
          );
        }
      } catch (e) {
        assertError(e);
        if (e instanceof HostHeld) {
          await hold(due.registry, e.until, e.reason);
          summary.postponed.push({ reference: due.reference, until: e.until });
          continue;
        }
        const failure = await this.recordFailure(due, e, now);
        summary.errors.push(failure);
        this.options.metrics?.checked(due.registry, checkResultOf(e));
        this.budgets.recordError(due.registry, `${e.name}: ${e.message}`, now);
        if (e instanceof RegistryRateLimitError) {
          if (e.rateLimit) {
            this.budgets.recordReported(due.registry, e.rateLimit, now);
          }
          // recordFailure postponed the host's references already.
          heldHosts.set(due.registry, failure.nextCheckAt);
          this.budgets.recordPostponed(
            due.registry,
            failure.nextCheckAt,
            '429',
          );
          this.options.metrics?.rateLimitWait(due.registry, '429');
        }
      }
    }
    return summary;
  }

  /**
   * The request budget of every configured or watched registry host, as
   * this instance knows it now.
   */
  async registryBudgets(): Promise<{
    countingSince: Date;
    items: RegistryBudget[];
  }> {
    return {
      countingSince: this.budgets.countingSince,
      items: this.budgets.snapshot(
        this.clock(),
        await this.options.store.listWatched(),
        this.intervalMs,
      ),
    };
  }

  /** Takes a token for one request to the host, or holds the host back. */
  private takeToken(registry: string, now: Date): void {
    const token = this.budgets.take(registry, now);
    if (token !== true) throw new HostHeld(token, 'budget');
  }

  private async check(
    due: WatchedReference,
    now: Date,
    summary: DigestWatcherSummary,
  ): Promise<{ result: TrackingCheckResult; rateLimit?: RegistryRateLimit }> {
    const { store, registry, logger } = this.options;
    const ref: ImageRef = parseImageRef(due.reference);
    this.takeToken(due.registry, now);
    const head = await registry.headManifest(ref);
    let rateLimit = head.rateLimit;
    if (rateLimit) this.budgets.recordReported(due.registry, rateLimit, now);
    let result: TrackingCheckResult = 'unchanged';
    const current = await store.getCurrent(due.reference);
    if (current?.digest.digest === head.digest) {
      // Unchanged: no GET; the known platforms are confirmed as seen now.
      await store.recordObservation(
        due.reference,
        {
          digest: head.digest,
          platforms: current.platforms.map(p => ({
            platform: p.platform,
            digest: p.digest,
          })),
        },
        now,
      );
    } else {
      if (rateLimit?.remaining === 0) {
        // A GET now would be refused (Docker Hub counts GETs, not HEADs);
        // the reference is checked again, HEAD and GET, after the reset.
        throw new HostHeld(
          new Date(now.getTime() + (rateLimit.resetMs ?? this.retryDelayMs)),
          'ratelimit-header',
        );
      }
      // On credit: a GET without a token would only repeat the HEAD later,
      // and a budget of one token would never get past a new digest.
      this.budgets.take(due.registry, now, { onCredit: true });
      // By digest, so that a push between the HEAD and the GET cannot mix two manifests.
      const manifest = await registry.getManifest({
        registry: ref.registry,
        repository: ref.repository,
        digest: head.digest,
      });
      if (manifest.rateLimit) {
        rateLimit = manifest.rateLimit;
        this.budgets.recordReported(due.registry, rateLimit, now);
      }
      const change = await store.recordObservation(
        due.reference,
        { digest: manifest.digest, platforms: indexPlatforms(manifest.json) },
        now,
      );
      if (change.previousDigest === undefined) {
        result = 'discovered';
        summary.discovered.push({
          reference: due.reference,
          digest: change.digest,
          firstSeenAt: change.firstSeenAt,
        });
      } else if (change.digestChanged) {
        result = 'changed';
        this.options.metrics?.digestChanged(due.registry);
        summary.changed.push({
          reference: due.reference,
          oldDigest: change.previousDigest,
          newDigest: change.digest,
          changedPlatforms: change.changedPlatforms,
          removedPlatforms: change.removedPlatforms,
          firstSeenAt: change.firstSeenAt,
        });
        logger.info('Base image digest changed', {
          reference: due.reference,
          oldDigest: change.previousDigest,
          newDigest: change.digest,
          changedPlatforms: change.changedPlatforms.join(','),
        });
      }
    }
    await store.recordCheck(due.reference, {
      checkedAt: now,
      nextCheckAt: this.after(now, this.intervalOf(due)),
    });
    return { result, rateLimit };
  }

  private async recordFailure(
    due: WatchedReference,
    error: Error,
    now: Date,
  ): Promise<DigestCheckError> {
    const { store, logger } = this.options;
    const transient =
      (error as Partial<{ transient: boolean }>).transient === true;
    let nextCheckAt: Date;
    if (error instanceof RegistryRateLimitError) {
      // The registry names the wait; no jitter on top, which would only wait longer.
      nextCheckAt = new Date(
        now.getTime() + (error.retryAfterMs ?? this.retryDelayMs),
      );
      await store.postponeRegistry(due.registry, nextCheckAt);
    } else if (transient || error instanceof ManifestNotFoundError) {
      // A tag that does not exist yet is often pushed soon after it is enrolled.
      nextCheckAt = this.after(
        now,
        Math.min(this.retryDelayMs, this.intervalOf(due)),
      );
    } else {
      nextCheckAt = this.after(now, this.intervalOf(due));
    }
    await store.recordCheck(due.reference, {
      checkedAt: now,
      nextCheckAt,
      error: `${error.name}: ${error.message}`,
    });
    logger.warn('Base image check failed', {
      reference: due.reference,
      error: `${error.name}: ${error.message}`,
      transient,
      nextCheckAt: nextCheckAt.toISOString(),
    });
    return {
      reference: due.reference,
      name: error.name,
      message: error.message,
      transient,
      nextCheckAt,
    };
  }

  /** The reference's own check interval, or its registry host's. */
  private intervalOf(due: WatchedReference): number {
    return (
      this.referenceIntervals.get(due.reference) ??
      this.budgets.intervalFor(due.registry, this.intervalMs)
    );
  }

  /** `now` plus `ms`, stretched or shrunk by up to the jitter fraction. */
  private after(now: Date, ms: number): Date {
    const factor = 1 + this.jitter * (2 * this.random() - 1);
    return new Date(now.getTime() + Math.round(ms * factor));
  }
}

function checkResultOf(error: Error): TrackingCheckResult {
  if (error instanceof RegistryRateLimitError) return 'rate_limited';
  if (error instanceof ManifestNotFoundError) return 'not_found';
  return 'error';
}
