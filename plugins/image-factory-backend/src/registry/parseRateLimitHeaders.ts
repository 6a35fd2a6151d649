/**
 * What a registry said about its rate limit in one response. Every field is
 * optional: registries send some, all or none of them.
 */
export interface RegistryRateLimit {
  /** Requests allowed per window (`RateLimit-Limit`, `limit=`, `q=`). */
  limit?: number;
  /** Requests left in the current window (`RateLimit-Remaining`, `remaining=`, `r=`). */
  remaining?: number;
  /** Time until the window resets, from `RateLimit-Reset` (seconds), `reset=` or `t=`. */
  resetMs?: number;
  /** The window length, from Docker Hub's `;w=<seconds>` or the policy's `w=`. */
  windowMs?: number;
}

const INTEGER = /^\s*(\d+)/;

/** The leading integer of `100;w=21600` or `100`. */
function leadingInteger(value: string | null): number | undefined {
  const match = value === null ? null : INTEGER.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** `key=value` parameters of a header, split on `,` and `;`, keys lower-cased. */
function parameters(value: string | null): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of (value ?? '').split(/[,;]/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    // The first value wins: a second policy in the same header is less specific.
    if (key && !params.has(key)) params.set(key, raw.replace(/^"|"$/g, ''));
  }
  return params;
}

function integerParam(
  params: Map<string, string>,
  ...keys: string[]
): number | undefined {
  for (const key of keys) {
    const value = params.get(key);
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

/**
 * Reads the rate-limit headers of a registry response:
 *
 * - Docker Hub: `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600`
 *   (https://docs.docker.com/docker-hub/usage/pulls/);
 * - the IETF draft's separate fields `RateLimit-Limit`, `RateLimit-Remaining`
 *   and `RateLimit-Reset` (delta seconds), draft-ietf-httpapi-ratelimit-headers-03..06;
 * - its combined field `RateLimit: limit=100, remaining=50, reset=30`, and the
 *   later drafts' `RateLimit: "default";r=50;t=30` with
 *   `RateLimit-Policy: "default";q=100;w=60`.
 *
 * Separate fields win over the combined one. Returns `undefined` when the
 * response says nothing about its limit.
 */
export function parseRateLimitHeaders(
  headers: Pick<Headers, 'get'>,
): RegistryRateLimit | undefined {
  const combined = parameters(headers.get('ratelimit'));
  const policy = parameters(headers.get('ratelimit-policy'));
  const limitHeader = headers.get('ratelimit-limit');
  const remainingHeader = headers.get('ratelimit-remaining');
  const limitParams = parameters(limitHeader);
  const remainingParams = parameters(remainingHeader);

  const limit =
    leadingInteger(limitHeader) ??
    integerParam(combined, 'limit') ??
    integerParam(policy, 'q');
  const remaining =
    leadingInteger(remainingHeader) ?? integerParam(combined, 'remaining', 'r');
  const resetSeconds =
    leadingInteger(headers.get('ratelimit-reset')) ??
    integerParam(combined, 'reset', 't');
  const windowSeconds =
    integerParam(limitParams, 'w') ??
    integerParam(remainingParams, 'w') ??
    integerParam(policy, 'w');

  const result: RegistryRateLimit = {};
  if (limit !== undefined) result.limit = limit;
  if (remaining !== undefined) result.remaining = remaining;
  if (resetSeconds !== undefined) result.resetMs = resetSeconds * 1000;
  if (windowSeconds !== undefined) result.windowMs = windowSeconds * 1000;
  return Object.keys(result).length > 0 ? result : undefined;
}
