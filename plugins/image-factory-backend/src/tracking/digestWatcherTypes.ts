import { LoggerService } from '@backstage/backend-plugin-api';
import { DigestStore } from '../database';
import { OciRegistryClient } from '../registry';
import { RegistryBudgets } from './RegistryBudgets';
import { TrackingMetrics } from './TrackingMetrics';

/** The part of the registry client the watcher uses. */
export type ManifestReader = Pick<
  OciRegistryClient,
  'headManifest' | 'getManifest'
>;

/** Options of `DigestWatcher.create`. */
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

/** What one `DigestWatcher.runDue` did. */
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
