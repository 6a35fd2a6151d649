import { assertError } from '@backstage/errors';
import {
  parseImageRef,
  RegistryBudget,
  RegistryWaitReason,
} from '@image-factory/plugin-image-factory-common';
import { RegistryRateLimitError } from '../registry';
import { CheckSchedule } from './CheckSchedule';
import { CheckContext, checkReference } from './checkReference';
import {
  DigestWatcherOptions,
  DigestWatcherSummary,
} from './digestWatcherTypes';
import { HostHeld } from './HostHeld';
import { checkResultOf, recordCheckFailure } from './recordCheckFailure';
import { RegistryBudgets } from './RegistryBudgets';
import { trackingKey } from './referenceKey';

export {
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_JITTER,
  DEFAULT_RETRY_DELAY_MS,
} from './CheckSchedule';
export type {
  DigestChange,
  DigestCheckError,
  DigestWatcherOptions,
  DigestWatcherSummary,
  ManifestReader,
} from './digestWatcherTypes';

/**
 * Polls the digests of watched references: one HEAD per unique reference per
 * interval (which Docker Hub does not count as a pull), and a GET only when
 * the digest is new, to learn each platform's child digest of an index. The
 * schedule lives in the store, so it survives restarts and is shared by
 * replicas; the caller runs {@link DigestWatcher.runDue} on a schedule.
 * One check is {@link checkReference}; a failed one, {@link recordCheckFailure}.
 */
export class DigestWatcher {
  private readonly clock: () => Date;
  private readonly budgets: RegistryBudgets;
  private readonly schedule: CheckSchedule;
  private readonly context: CheckContext;

  static create(options: DigestWatcherOptions): DigestWatcher {
    return new DigestWatcher(options);
  }

  private constructor(private readonly options: DigestWatcherOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.budgets =
      options.budgets ?? RegistryBudgets.create({ now: this.clock() });
    this.schedule = new CheckSchedule({
      intervalMs: options.intervalMs,
      jitter: options.jitter,
      retryDelayMs: options.retryDelayMs,
      random: options.random,
      budgets: this.budgets,
    });
    this.context = {
      store: options.store,
      registry: options.registry,
      logger: options.logger,
      budgets: this.budgets,
      schedule: this.schedule,
      metrics: options.metrics,
    };
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
    this.schedule.setReferenceIntervals(
      new Map(
        [...(intervals ?? [])].flatMap(([reference, ms]) => {
          const key = trackingKey(reference);
          return key ? [[key, ms] as const] : [];
        }),
      ),
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
   * remaining due references move to when it may be asked again. When
   * `signal` aborts (the scheduled task's timeout, a shutdown), the pass
   * stops: the reference being checked and those after it stay due, with
   * no failure recorded.
   */
  async runDue(signal?: AbortSignal): Promise<DigestWatcherSummary> {
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
      await this.budgets.recordPostponed(registry, until, reason);
      this.options.metrics?.rateLimitWait(registry, reason);
      this.options.logger.info('Registry checks postponed', {
        registry,
        reason,
        until: until.toISOString(),
      });
    };
    for (const due of await this.options.store.listDue(now)) {
      if (signal?.aborted) break;
      const until = heldHosts.get(due.registry);
      if (until) {
        summary.postponed.push({ reference: due.reference, until });
        continue;
      }
      try {
        const { result, rateLimit } = await checkReference(
          this.context,
          due,
          now,
          summary,
          signal,
        );
        summary.checked.push(due.reference);
        this.options.metrics?.checked(due.registry, result);
        if (rateLimit?.remaining === 0) {
          await hold(
            due.registry,
            new Date(
              now.getTime() + (rateLimit.resetMs ?? this.schedule.retryDelayMs),
            ),
            'ratelimit-header',
          );
        }
      } catch (e) {
        if (signal?.aborted) break;
        assertError(e);
        if (e instanceof HostHeld) {
          await hold(due.registry, e.until, e.reason);
          summary.postponed.push({ reference: due.reference, until: e.until });
          continue;
        }
        const failure = await recordCheckFailure(this.context, due, e, now);
        summary.errors.push(failure);
        this.options.metrics?.checked(due.registry, checkResultOf(e));
        await this.budgets.recordError(
          due.registry,
          `${e.name}: ${e.message}`,
          now,
        );
        if (e instanceof RegistryRateLimitError) {
          if (e.rateLimit) {
            await this.budgets.recordReported(due.registry, e.rateLimit, now);
          }
          // recordFailure postponed the host's references already.
          heldHosts.set(due.registry, failure.nextCheckAt);
          await this.budgets.recordPostponed(
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
   * the budgets' store has it now (for every replica, in the database).
   */
  async registryBudgets(): Promise<{
    countingSince: Date;
    items: RegistryBudget[];
  }> {
    return this.budgets.snapshot(
      this.clock(),
      await this.options.store.listWatched(),
      this.schedule.intervalMs,
    );
  }
}
