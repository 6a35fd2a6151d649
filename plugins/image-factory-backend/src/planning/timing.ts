/** When a planned rebuild may be queued. */
export interface RebuildTiming {
  /** Every new digest has been seen for the image's delay. */
  eligibleAt: Date;
  /** The quiet period after the latest base change ends. */
  quietUntil?: Date;
  /** The latest the rebuild waits, however often bases keep changing. */
  maxWaitUntil: Date;
  /** When it is queued: eligible and quiet, or at the maximum wait. */
  readyAt: Date;
}

const later = (a: Date, b: Date) => (a > b ? a : b);
const earlier = (a: Date, b: Date) => (a < b ? a : b);

/**
 * The timing of a rebuild from the first-seen times of the base digests that
 * cause it (never the tags' push dates: a digest-only re-push keeps its date).
 *
 * - eligible: each new digest is at least `delayMs` old;
 * - quiet: no base changed for `coalesceMs`, so changes close together give
 *   one rebuild;
 * - maximum wait: `maxWaitMs` after the first change became eligible, the
 *   rebuild is queued anyway, so a base re-pushed more often than the quiet
 *   period is still rebuilt. `previousMaxWaitUntil` keeps that bound from
 *   moving when a base changes again.
 *
 * `firstSeen` holds the new digests of bases the factory watches; changes of
 * managed upstream images go in `upstreamPushed`: they are due at once, since
 * the upstream image already waited.
 */
export function computeTiming(options: {
  firstSeen: Date[];
  upstreamPushed: Date[];
  delayMs: number;
  coalesceMs: number;
  maxWaitMs: number;
  previousMaxWaitUntil?: Date;
  now: Date;
}): RebuildTiming {
  const { firstSeen, upstreamPushed, delayMs, coalesceMs, maxWaitMs } = options;
  const eligible = [
    ...firstSeen.map(d => new Date(d.getTime() + delayMs)),
    ...upstreamPushed,
  ];
  if (eligible.length === 0) eligible.push(options.now);
  const eligibleAt = eligible.reduce(later);
  const firstEligible = eligible.reduce(earlier);
  let maxWaitUntil = new Date(firstEligible.getTime() + maxWaitMs);
  if (options.previousMaxWaitUntil) {
    maxWaitUntil = earlier(maxWaitUntil, options.previousMaxWaitUntil);
  }
  const quietUntil =
    firstSeen.length > 0
      ? new Date(firstSeen.reduce(later).getTime() + coalesceMs)
      : undefined;
  const settled = quietUntil ? later(eligibleAt, quietUntil) : eligibleAt;
  return {
    eligibleAt,
    ...(quietUntil ? { quietUntil } : {}),
    maxWaitUntil,
    readyAt: earlier(settled, maxWaitUntil),
  };
}
