/**
 * Why the factory holds back its checks of a registry host.
 *
 * - `budget`: the host's configured request budget (token bucket) is spent;
 * - `429`: the registry answered 429 Too Many Requests;
 * - `ratelimit-header`: the registry reported no requests remaining in its window.
 *
 * @public
 */
export type RegistryWaitReason = 'budget' | '429' | 'ratelimit-header';

/**
 * What a registry last reported in its `RateLimit-*` headers (Docker Hub's
 * `ratelimit-limit: 100;w=21600`, or the IETF draft fields).
 *
 * @public
 */
export interface ReportedRateLimit {
  /** Requests allowed per window. */
  limit?: number;
  /** Requests left in the window when it answered. */
  remaining?: number;
  /** When the window resets (ISO 8601), when the registry said. */
  resetAt?: string;
  /** The window length in seconds, when the registry said (`w=`). */
  windowSeconds?: number;
  /** When the factory read these headers (ISO 8601). */
  reportedAt: string;
}

/**
 * The request budget of one registry host that tracking polls.
 *
 * @public
 */
export interface RegistryBudget {
  /** The registry host as written in image references (`docker.io`, `ghcr.io`, `localhost:5000`). */
  host: string;
  /** False when tracking of this host is switched off (`enabled: false`): nothing is asked of it. */
  enabled?: boolean;
  /** Budget refill rate (`imageFactory.tracking.registries.<id>.requestsPerHour`); absent: unlimited. */
  requestsPerHour?: number;
  /** Bucket capacity, the most requests sent at once; absent: unlimited. */
  burst?: number;
  /** Time between two checks of one reference of this host, in milliseconds. */
  intervalMs: number;
  /** Whole requests the budget allows now; absent: unlimited. */
  tokensLeft?: number;
  /** When the next token is there (ISO 8601), while none is left. */
  nextTokenAt?: string;
  /** Registry requests (HEAD and GET) sent in the last hour, by every backend on the database. */
  requestsLastHour: number;
  /** Registry requests sent in the last 24 hours, by every backend on the database. */
  requestsLastDay: number;
  /** What the registry last reported about its own limit, if it ever did. */
  reported?: ReportedRateLimit;
  /** Until when checks of the host are held back (ISO 8601), while they are. */
  postponedUntil?: string;
  /** Why they are held back. */
  postponedReason?: RegistryWaitReason;
  /** Watched references on this host. */
  watchedReferences: number;
  /** The earliest next check of one of its references (ISO 8601). */
  nextCheckAt?: string;
  /** `name: message` of the last failed check of one of its references. */
  lastError?: string;
  /** When that check failed (ISO 8601). */
  lastErrorAt?: string;
}

/**
 * The answer of `GET /api/image-factory/tracking/registries`.
 *
 * @public
 */
export interface RegistryBudgetList {
  /** False when base-image tracking is disabled; `items` is empty then. */
  enabled: boolean;
  /**
   * Since when requests are counted (ISO 8601): counters and tokens live in
   * the database, shared by every backend replica and kept across restarts
   * (counts go back a day at most).
   */
  countingSince?: string;
  /** One entry per configured or watched registry host, sorted by host. */
  items: RegistryBudget[];
}
