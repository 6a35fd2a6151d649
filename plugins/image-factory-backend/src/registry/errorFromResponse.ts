import {
  ManifestInvalidError,
  ManifestNotFoundError,
  RegistryAuthError,
  RegistryError,
  RegistryRateLimitError,
  RegistryResponseError,
  RegistryUnavailableError,
} from './errors';
import { parseRateLimitHeaders } from './parseRateLimitHeaders';

/** What a failed request was about, for the error message. */
export interface RequestContext {
  /** The registry as written in references. */
  registry: string;
  repository: string;
  /** The operation, e.g. `HEAD manifest 127.0.0.1:5000/team/app:1`. */
  operation: string;
  /** Set for manifest requests: the reference asked for. */
  manifestReference?: string;
}

const MAX_MESSAGE_LENGTH = 300;
const NOT_FOUND_CODES = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);

/**
 * Reads `Retry-After` (RFC 9110, section 10.2.3): delay-seconds or an
 * HTTP date, relative to `now`. Returns milliseconds, or `undefined` when the
 * header is absent or malformed.
 */
export function parseRetryAfter(
  value: string | null,
  now: Date,
): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  // Every HTTP-date form names its month; Date.parse alone takes `-5` as a year.
  const date = /[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/**
 * The codes and a one-line summary of a distribution error body
 * (`{"errors":[{"code","message","detail"}]}`, distribution spec, "Error
 * Codes"). `detail` is left out: its shape is registry-specific.
 */
export async function readErrorBody(
  res: Response,
): Promise<{ codes: string[]; summary?: string }> {
  let text: string;
  try {
    text = await res.text();
  } catch {
    return { codes: [] };
  }
  let errors: unknown;
  try {
    errors = (JSON.parse(text) as { errors?: unknown })?.errors;
  } catch {
    return { codes: [] };
  }
  if (!Array.isArray(errors)) return { codes: [] };
  const entries = errors
    .filter(
      (e): e is { code?: unknown; message?: unknown } =>
        typeof e === 'object' && e !== null,
    )
    .map(e => ({
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : undefined,
    }));
  const summary = entries
    .map(e => [e.code, e.message].filter(Boolean).join(': '))
    .filter(Boolean)
    .join('; ')
    .slice(0, MAX_MESSAGE_LENGTH);
  return {
    codes: entries.flatMap(e => (e.code ? [e.code] : [])),
    summary: summary || undefined,
  };
}

/**
 * Turns an unsuccessful response into the matching typed error, consuming
 * its body. The message names the registry, repository and operation only.
 */
export async function errorFromResponse(
  res: Response,
  context: RequestContext,
  now: Date,
): Promise<RegistryError> {
  const { codes, summary } = await readErrorBody(res);
  const detail = summary ? ` (${summary})` : '';
  const { registry, repository, operation, manifestReference } = context;
  const status = res.status;

  if (status === 401 || status === 403) {
    return new RegistryAuthError(
      `Registry ${registry} denied ${operation} in repository ${repository}: HTTP ${status}${detail}`,
    );
  }
  if (status === 429) {
    const rateLimit = parseRateLimitHeaders(res.headers);
    // Retry-After is the answer to this request; the reset of the window is
    // the next best guess when a registry sends only that.
    const retryAfterMs =
      parseRetryAfter(res.headers.get('retry-after'), now) ??
      rateLimit?.resetMs;
    const after =
      retryAfterMs === undefined
        ? ''
        : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`;
    return new RegistryRateLimitError(
      `Registry ${registry} rate-limited ${operation}${after}${detail}`,
      retryAfterMs,
      rateLimit,
    );
  }
  if (status >= 500) {
    return new RegistryUnavailableError(
      `Registry ${registry} failed ${operation}: HTTP ${status}${detail}`,
    );
  }
  if (
    (status === 404 && manifestReference) ||
    codes.some(code => NOT_FOUND_CODES.has(code))
  ) {
    const reference = manifestReference ?? `${registry}/${repository}`;
    return new ManifestNotFoundError(
      `Manifest ${reference} not found: HTTP ${status}${detail}`,
      reference,
    );
  }
  if (
    (status === 400 && manifestReference) ||
    codes.includes('MANIFEST_INVALID')
  ) {
    return new ManifestInvalidError(
      `Registry ${registry} rejected ${operation}: HTTP ${status}${detail}`,
    );
  }
  return new RegistryResponseError(
    `Registry ${registry} refused ${operation}: HTTP ${status}${detail}`,
    status,
  );
}
