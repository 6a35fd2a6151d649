import { CustomErrorBase } from '@backstage/errors';
import { RegistryRateLimit } from './parseRateLimitHeaders';

// Messages name the registry, repository or reference, never credentials or
// tokens: a failed job stores its error message, and the UI shows it.

/** The registry refused the credentials, or access without them. */
export class RegistryAuthError extends CustomErrorBase {
  name = 'RegistryAuthError' as const;
  /** Retrying with the same credentials gives the same answer. */
  readonly transient: boolean = false;
}

/** The manifest or repository does not exist (404, `MANIFEST_UNKNOWN`, `NAME_UNKNOWN`). */
export class ManifestNotFoundError extends CustomErrorBase {
  name = 'ManifestNotFoundError' as const;
  readonly transient: boolean = false;
  /** The reference that was asked for (`registry/repository:tag`). */
  readonly reference: string;

  constructor(message: string, reference: string, cause?: unknown) {
    super(message, cause);
    this.reference = reference;
  }
}

/**
 * The registry rejected a manifest (400 `MANIFEST_INVALID`), or returned
 * bytes whose digest differs from the one it announced or was asked for.
 */
export class ManifestInvalidError extends CustomErrorBase {
  name = 'ManifestInvalidError' as const;
  readonly transient: boolean = false;
}

/** The registry asks the client to slow down (429). */
export class RegistryRateLimitError extends CustomErrorBase {
  name = 'RegistryRateLimitError' as const;
  readonly transient: boolean = true;
  /** From `Retry-After` (seconds or an HTTP date), when the registry sent one. */
  readonly retryAfterMs?: number;
  /** What the 429's `RateLimit-*` headers said, if it sent any. */
  readonly rateLimit?: RegistryRateLimit;

  constructor(
    message: string,
    retryAfterMs?: number,
    rateLimit?: RegistryRateLimit,
  ) {
    super(message);
    this.retryAfterMs = retryAfterMs;
    this.rateLimit = rateLimit;
  }
}

/** The registry answered 5xx or could not be reached; `cause` holds the network error. */
export class RegistryUnavailableError extends CustomErrorBase {
  name = 'RegistryUnavailableError' as const;
  readonly transient: boolean = true;
}

/**
 * The registry did not answer, or did not finish its answer, within the
 * request timeout (`imageFactory.registries.requestTimeout`).
 */
export class RegistryTimeoutError extends CustomErrorBase {
  name = 'RegistryTimeoutError' as const;
  readonly transient: boolean = true;
  /** The registry as written in references. */
  readonly registry: string;
  readonly timeoutMs: number;

  constructor(message: string, registry: string, timeoutMs: number) {
    super(message);
    this.registry = registry;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Any other answer the client cannot use: an unexpected status (a 400 on a
 * blob upload, 405 when the registry is read-only) or a missing header.
 */
export class RegistryResponseError extends CustomErrorBase {
  name = 'RegistryResponseError' as const;
  readonly transient: boolean = false;
  /** The HTTP status, when the error came from a response. */
  readonly status?: number;

  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** Every error the registry client throws. */
export type RegistryError =
  | RegistryAuthError
  | ManifestNotFoundError
  | ManifestInvalidError
  | RegistryRateLimitError
  | RegistryUnavailableError
  | RegistryTimeoutError
  | RegistryResponseError;
