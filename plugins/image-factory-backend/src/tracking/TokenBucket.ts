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

/** A bucket's tokens at `now`: refilled since `state.at`, never above the burst. */
export function refilledTokens(
  state: { tokens: number; at: Date },
  limits: { requestsPerHour: number; burst: number },
  now: Date,
): number {
  const elapsed = Math.max(0, now.getTime() - state.at.getTime());
  return Math.min(
    limits.burst,
    state.tokens + (elapsed * limits.requestsPerHour) / HOUR_MS,
  );
}

/** When a bucket holding `tokens` at `now` has `need` whole ones (at most `burst`). */
export function timeWhenTokens(
  tokens: number,
  need: number,
  limits: { requestsPerHour: number; burst: number },
  now: Date,
): Date {
  const missing = Math.min(need, limits.burst) - tokens;
  if (missing <= EPSILON) return new Date(now.getTime());
  return new Date(
    now.getTime() + Math.ceil((missing * HOUR_MS) / limits.requestsPerHour),
  );
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
    return timeWhenTokens(this.tokens, tokens, this, now);
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
    return this.timeWhen(1, now);
  }

  private refill(now: Date): void {
    const t = now.getTime();
    // A clock that goes back (NTP) adds nothing, and the later time stays.
    if (t <= this.updatedAt) return;
    this.tokens = refilledTokens(
      { tokens: this.tokens, at: new Date(this.updatedAt) },
      this,
      now,
    );
    this.updatedAt = t;
  }
}
