import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitHubRequestContext,
  GitHubRequestError,
  isRateLimited,
  isTransient,
  secondsUntilRetry,
  toGitHubRequestError,
} from './githubErrors';

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Runs one GitHub call, retrying 5xx answers and network failures
 * `maxRetries` times with exponential backoff and waiting out one rate limit
 * that lifts within `maxRetryAfterMs`; any other failure becomes a
 * {@link GitHubRequestError} that says what to fix.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  options: {
    maxRetries: number;
    maxRetryAfterMs: number;
    /** Base of the exponential backoff between retries. Default: 500 ms. */
    retryBaseDelayMs?: number;
    logger: LoggerService;
    context: GitHubRequestContext;
  },
): Promise<T> {
  const { maxRetries, maxRetryAfterMs, logger, context } = options;
  const { action } = context;
  let rateLimitWaited = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof GitHubRequestError) throw error;
      const failure = error as Parameters<typeof isTransient>[0];
      if (isRateLimited(failure) && !rateLimitWaited) {
        const waitMs = (secondsUntilRetry(failure) ?? Infinity) * 1000;
        if (waitMs <= maxRetryAfterMs) {
          rateLimitWaited = true;
          logger.warn(
            `GitHub rate limit while trying to ${action}; retrying in ${waitMs} ms`,
          );
          await sleep(waitMs);
          continue;
        }
      }
      if (isTransient(failure) && attempt <= maxRetries) {
        const delay = (options.retryBaseDelayMs ?? 500) * 2 ** (attempt - 1);
        logger.warn(
          `GitHub failed to ${action} (${
            failure.status ?? failure.code ?? 'network error'
          }); attempt ${attempt} of ${maxRetries + 1}, retrying in ${delay} ms`,
        );
        await sleep(delay);
        continue;
      }
      throw toGitHubRequestError(failure, context, attempt);
    }
  }
}
