import {
  RegistryRateLimitError,
  RegistryResponseError,
  RegistryUnavailableError,
} from '../../../registry';
import { RegistryAdapterCannotServeError } from '../errors';
import { GHCR_ADAPTER_ID } from './ghcrRepository';

/** Status and headers of an Octokit `RequestError`, or undefined for anything else. */
export function httpFailure(
  error: unknown,
): { status: number; headers: Record<string, string | undefined> } | undefined {
  const e = error as {
    status?: number;
    response?: { headers?: Record<string, string | undefined> };
  };
  if (typeof e?.status !== 'number' || !e.response) return undefined;
  return { status: e.status, headers: e.response.headers ?? {} };
}

/** Octokit's errors as the factory's; a failure of `context.fetch` itself passes through. */
export function toAdapterError(
  error: unknown,
  {
    action,
    githubHost,
    now,
  }: { action: string; githubHost: string; now: number },
): Error {
  const failure = httpFailure(error);
  if (!failure) {
    // Octokit wraps a rejected fetch (budget spent, timeout) as a 500 without
    // a response; the context's own error says more.
    const cause = (error as { cause?: unknown })?.cause;
    return cause instanceof Error ? cause : (error as Error);
  }
  const { status, headers } = failure;
  const retryAfter = Number(headers['retry-after']);
  const rateLimited =
    status === 429 ||
    (status === 403 &&
      (headers['x-ratelimit-remaining'] === '0' ||
        Number.isFinite(retryAfter)));
  if (rateLimited) {
    const reset = Number(headers['x-ratelimit-reset']);
    let until: number | undefined;
    if (Number.isFinite(retryAfter)) until = now + retryAfter * 1000;
    else if (Number.isFinite(reset)) until = reset * 1000;
    return new RegistryRateLimitError(
      `GitHub API rate limit reached${
        until ? ` until ${new Date(until).toISOString()}` : ''
      } (while trying to ${action})`,
      until ? Math.max(until - now, 0) : undefined,
    );
  }
  if (status === 404) {
    return new RegistryAdapterCannotServeError(
      `GitHub's packages API does not know ${action.replace(
        /^list the versions of /,
        '',
      )} as an organization's or a user's container package, or the token may not see it`,
      { adapterId: GHCR_ADAPTER_ID, reason: 'not-found', cause: error },
    );
  }
  if (status === 401 || status === 403) {
    return new RegistryAdapterCannotServeError(
      `GitHub refused the token of integrations.github for ${githubHost} (${status}) when trying to ${action}: the packages API needs a personal access token (classic) with read:packages`,
      { adapterId: GHCR_ADAPTER_ID, reason: 'denied', cause: error },
    );
  }
  if (status >= 500) {
    return new RegistryUnavailableError(
      `GitHub answered ${status} when trying to ${action}`,
      error,
    );
  }
  return new RegistryResponseError(
    `GitHub answered ${status} when trying to ${action}`,
    status,
  );
}
