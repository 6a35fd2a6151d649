import { CustomErrorBase } from '@backstage/errors';
import { BuildErrorType } from '@image-factory/plugin-image-factory-common';

/** No configured executor declares one of the image's platforms. */
export class NoExecutorError extends CustomErrorBase {
  name = 'NoExecutorError' as const;
  readonly transient: boolean = false;
}

/** The source could not be fetched; `transient` when the host failed or could not be reached. */
export class SourceFetchError extends CustomErrorBase {
  name = 'SourceFetchError' as const;
  readonly transient: boolean;
  readonly notFound: boolean;

  constructor(
    message: string,
    options: { cause?: unknown; transient?: boolean; notFound?: boolean } = {},
  ) {
    super(message, options.cause);
    this.transient = options.transient ?? false;
    this.notFound = options.notFound ?? false;
  }
}

/** The run cannot be built as its image stands (no longer in images.yaml, no source). */
export class ImageNotBuildableError extends CustomErrorBase {
  name = 'ImageNotBuildableError' as const;
  readonly transient: boolean = false;
}

/** True when the error says that the same call may succeed later. */
export function isTransient(error: unknown): boolean {
  return (error as { transient?: unknown } | undefined)?.transient === true;
}

const TYPES: Record<string, BuildErrorType> = {
  RegistryAuthError: 'auth',
  RegistryTimeoutError: 'network',
  RegistryUnavailableError: 'network',
  RegistryRateLimitError: 'network',
  ExecutorUnreachableError: 'network',
  ManifestNotFoundError: 'not-found',
  ImageNotBuildableError: 'not-found',
  ManifestInvalidError: 'manifest-invalid',
  BuildFailedError: 'build-failed',
  BuildRequestError: 'build-failed',
  ExecutorTimeoutError: 'timeout',
  ExecutorCancelledError: 'cancelled',
  NoExecutorError: 'no-executor',
};

/** The {@link BuildErrorType} of an error the engine threw. */
export function errorTypeOf(error: unknown): BuildErrorType {
  const name = (error as { name?: unknown } | undefined)?.name;
  if (error instanceof SourceFetchError) {
    if (error.notFound) return 'not-found';
    return error.transient ? 'network' : 'internal';
  }
  return (typeof name === 'string' && TYPES[name]) || 'internal';
}
