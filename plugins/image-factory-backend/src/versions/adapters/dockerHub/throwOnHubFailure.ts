import {
  RegistryRateLimit,
  RegistryRateLimitError,
  RegistryResponseError,
  RegistryUnavailableError,
} from '../../../registry';

// Rate limiting (https://docs.docker.com/reference/api/hub/latest/):
// `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (unix time)
// on every answer; a 429 carries `Retry-After` in seconds (docker/docs#22916;
// earlier text named `X-Retry-After`, a unix time).

/** When a 429 says the limit lifts: `Retry-After` seconds, else a unix-time header. */
function rateLimitEnd(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter.trim())) {
    return now + Number(retryAfter.trim()) * 1000;
  }
  for (const name of ['x-retry-after', 'x-ratelimit-reset']) {
    const value = headers.get(name);
    if (value && /^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  }
  return undefined;
}

/** Hub's `X-RateLimit-*` headers (the registry's `RateLimit-*` parser does not read them). */
function hubRateLimit(
  headers: Headers,
  now: number,
): RegistryRateLimit | undefined {
  const int = (name: string) => {
    const value = headers.get(name)?.trim();
    return value && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const limit = int('x-ratelimit-limit');
  const remaining = int('x-ratelimit-remaining');
  const reset = int('x-ratelimit-reset');
  const result: RegistryRateLimit = {};
  if (limit !== undefined) result.limit = limit;
  if (remaining !== undefined) result.remaining = remaining;
  if (reset !== undefined) result.resetMs = Math.max(reset * 1000 - now, 0);
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * Throws the factory's error for a failed Docker Hub answer: 429
 * `RegistryRateLimitError`, 5xx `RegistryUnavailableError`, any other failure
 * `RegistryResponseError`. A successful answer passes.
 */
export async function throwOnHubFailure(
  response: Response,
  action: string,
  now: () => number,
): Promise<void> {
  if (response.ok) return;
  if (response.status === 429) {
    const until = rateLimitEnd(response.headers, now());
    const when = until ? new Date(until).toISOString() : 'an unknown time';
    await response.body?.cancel();
    throw new RegistryRateLimitError(
      `Docker Hub rate limit reached until ${when} (while trying to ${action})`,
      until ? Math.max(until - now(), 0) : undefined,
      hubRateLimit(response.headers, now()),
    );
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new RegistryUnavailableError(
      `Docker Hub answered ${response.status} when trying to ${action}`,
    );
  }
  const detail = await response.text().catch(() => '');
  throw new RegistryResponseError(
    `Docker Hub answered ${
      response.status
    } when trying to ${action}: ${detail.slice(0, 200)}`,
    response.status,
  );
}
