import { WatchedReference } from '../database';
import { RegistryBudgets } from './RegistryBudgets';

/** The default time between two checks of one reference. */
export const DEFAULT_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** The default spread of the interval, as a fraction of it (±10%). */
export const DEFAULT_JITTER = 0.1;
/** The default wait after a transient failure without `Retry-After`. */
export const DEFAULT_RETRY_DELAY_MS = 15 * 60 * 1000;

/**
 * When a watched reference is checked next: its own interval (an image's
 * `watch.interval`), else its registry host's, else the default, stretched
 * or shrunk by up to the jitter so that references do not fall due together.
 */
export class CheckSchedule {
  readonly intervalMs: number;
  readonly retryDelayMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private readonly budgets: RegistryBudgets;
  private referenceIntervals = new Map<string, number>();

  constructor(options: {
    intervalMs?: number;
    jitter?: number;
    retryDelayMs?: number;
    random?: () => number;
    budgets: RegistryBudgets;
  }) {
    this.intervalMs = options.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    this.jitter = options.jitter ?? DEFAULT_JITTER;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.random = options.random ?? Math.random;
    this.budgets = options.budgets;
    if (!(this.jitter >= 0 && this.jitter < 1)) {
      throw new RangeError(`jitter: must be in [0, 1), got ${this.jitter}`);
    }
  }

  /** Check intervals of single references (by key), overriding their registry's. */
  setReferenceIntervals(intervals: Map<string, number>): void {
    this.referenceIntervals = intervals;
  }

  /** The reference's own check interval, or its registry host's. */
  intervalOf(due: WatchedReference): number {
    return (
      this.referenceIntervals.get(due.reference) ??
      this.budgets.intervalFor(due.registry, this.intervalMs)
    );
  }

  /** `now` plus `ms`, stretched or shrunk by up to the jitter fraction. */
  after(now: Date, ms: number): Date {
    const factor = 1 + this.jitter * (2 * this.random() - 1);
    return new Date(now.getTime() + Math.round(ms * factor));
  }
}
