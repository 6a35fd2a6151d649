const HOUR_MS = 60 * 60 * 1000;
// Refill is fractional; without some slack, the token promised by
// `nextTokenAt` can be 0.9999999 of one when that time comes.
const EPSILON = 1e-9;

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per hour, continuously (not in steps). Must be above 0. */
  requestsPerHour: number;
  /** The most tokens the bucket holds, and holds at the start. At least 1. */
  burst: number;
  /** When the bucket starts, full. */
  now: Date;
}

/**
 * A token bucket: it starts full with `burst` tokens and refills at
 * `requestsPerHour`, never above `burst`. Time comes from the caller, so
 * tests move it and replicas' clocks never matter.
 */
export class TokenBucket {
  readonly requestsPerHour: number;
  readonly burst: number;
  private tokens: number;
  private updatedAt: number;

  constructor(options: TokenBucketOptions) {
    if (
      !(options.requestsPerHour > 0 && Number.isFinite(options.requestsPerHour))
    ) {
      throw new RangeError(
        `requestsPerHour: must be a number above 0, got ${options.requestsPerHour}`,
      );
    }
    if (!(Number.isInteger(options.burst) && options.burst >= 1)) {
      throw new RangeError(
        `burst: must be a whole number of at least 1, got ${options.burst}`,
      );
    }
    this.requestsPerHour = options.requestsPerHour;
    this.burst = options.burst;
    this.tokens = options.burst;
    this.updatedAt = options.now.getTime();
  }

  /** The tokens there are at `now`, with fractions; below 0 while in debt. */
  available(now: Date): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes one token if there is a whole one; returns whether it did. */
  tryTake(now: Date): boolean {
    this.refill(now);
    if (this.tokens < 1 - EPSILON) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /**
   * Takes one token only if `reserve` whole tokens stay after it: for
   * requests that must never starve the ones the reserve is kept for.
   */
  tryTakeAbove(reserve: number, now: Date): boolean {
    this.refill(now);
    if (this.tokens < 1 + reserve - EPSILON) return false;
    this.tokens -= 1;
    return true;
  }

  /** When the bucket holds `tokens` again (now when it does); at most `burst`. */
  timeWhen(tokens: number, now: Date): Date {
    this.refill(now);
    const missing = Math.min(tokens, this.burst) - this.tokens;
    if (missing <= EPSILON) return new Date(now.getTime());
    return new Date(
      now.getTime() + Math.ceil((missing * HOUR_MS) / this.requestsPerHour),
    );
  }

  /**
   * Takes one token even when there is none, leaving the bucket in debt:
   * for a request that must go with the one before it, whose cost the
   * following requests then wait for.
   */
  takeOnCredit(now: Date): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** When the next whole token is there: `now` when there is one already. */
  nextTokenAt(now: Date): Date {
    this.refill(now);
    if (this.tokens >= 1 - EPSILON) return new Date(now.getTime());
    const missing = 1 - this.tokens;
    return new Date(
      now.getTime() + Math.ceil((missing * HOUR_MS) / this.requestsPerHour),
    );
  }

  private refill(now: Date): void {
    const t = now.getTime();
    // A clock that goes back (NTP) adds nothing, and the later time stays.
    if (t <= this.updatedAt) return;
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((t - this.updatedAt) * this.requestsPerHour) / HOUR_MS,
    );
    this.updatedAt = t;
  }
}
