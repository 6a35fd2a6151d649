import { isTransient } from './errors';

const MAX_BACKOFF_MS = 30_000;

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Retries after the first try. */
  retries: number;
  /** Wait before the first retry; doubled for each further one, up to 30 s. */
  backoffMs: number;
  /** Stops the waiting; the pending error is thrown. */
  signal?: AbortSignal;
  /** Told before each wait, e.g. to log it. */
  onRetry?(error: Error, retry: number, delayMs: number): void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise(resolve => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const listener = { onAbort: () => {} };
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', listener.onAbort);
      resolve(slept);
    };
    listener.onAbort = () => done(false);
    timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', listener.onAbort, { once: true });
  });
}

/**
 * Runs `fn`, and again after a transient error (`transient: true`), with
 * exponential backoff, at most `retries` more times. A registry's
 * `Retry-After` (`retryAfterMs`) lengthens the wait. Any other error, or the
 * last transient one, is thrown.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await fn();
    } catch (e) {
      if (
        retry > options.retries ||
        !isTransient(e) ||
        options.signal?.aborted
      ) {
        throw e;
      }
      const backoff = Math.min(
        options.backoffMs * 2 ** (retry - 1),
        MAX_BACKOFF_MS,
      );
      const retryAfter = (e as { retryAfterMs?: unknown }).retryAfterMs;
      const delayMs =
        typeof retryAfter === 'number'
          ? Math.min(Math.max(backoff, retryAfter), MAX_BACKOFF_MS)
          : backoff;
      options.onRetry?.(e as Error, retry, delayMs);
      if (!(await sleep(delayMs, options.signal))) throw e;
    }
  }
}
