import { WatchedReference } from '../database';
import { ManifestNotFoundError, RegistryRateLimitError } from '../registry';
import { CheckContext } from './checkReference';
import { DigestCheckError } from './digestWatcherTypes';
import { TrackingCheckResult } from './TrackingMetrics';

/**
 * Records a failed check and when the reference is checked next: when the
 * registry says (a 429, and the whole host waits), after the retry delay (a
 * transient failure, or a tag not pushed yet), else after its interval.
 */
export async function recordCheckFailure(
  context: Pick<CheckContext, 'store' | 'logger' | 'schedule'>,
  due: WatchedReference,
  error: Error,
  now: Date,
): Promise<DigestCheckError> {
  const { store, logger, schedule } = context;
  const transient =
    (error as Partial<{ transient: boolean }>).transient === true;
  let nextCheckAt: Date;
  if (error instanceof RegistryRateLimitError) {
    // The registry names the wait; no jitter on top, which would only wait longer.
    nextCheckAt = new Date(
      now.getTime() + (error.retryAfterMs ?? schedule.retryDelayMs),
    );
    await store.postponeRegistry(due.registry, nextCheckAt);
  } else if (transient || error instanceof ManifestNotFoundError) {
    // A tag that does not exist yet is often pushed soon after it is enrolled.
    nextCheckAt = schedule.after(
      now,
      Math.min(schedule.retryDelayMs, schedule.intervalOf(due)),
    );
  } else {
    nextCheckAt = schedule.after(now, schedule.intervalOf(due));
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

/** How a failed check counts in the tracking metrics. */
export function checkResultOf(error: Error): TrackingCheckResult {
  if (error instanceof RegistryRateLimitError) return 'rate_limited';
  if (error instanceof ManifestNotFoundError) return 'not_found';
  return 'error';
}
