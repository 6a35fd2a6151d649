import { assertError } from '@backstage/errors';
import {
  isConnectionError,
  isNetworkMessage,
  pushFailure,
  unreachableError,
} from './classifyError';
import {
  BuildFailedError,
  BuildFailureLocation,
  BuildRequestError,
  ExecutorCancelledError,
  ExecutorError,
  ExecutorTimeoutError,
  PushFailedError,
} from './errors';
import { Redactor } from './redact';
import { Operation } from './withDeadline';

/** The engine's own message of a dockerode error (its JSON body), else the error's message. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } }).json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}

/** A copy of an error that keeps its name, code and status but has its message redacted. */
function sanitizedCause(error: unknown, redact: Redactor): Error {
  assertError(error);
  const copy = new Error(redact(error.message));
  copy.name = error.name;
  const { code, statusCode } = error as {
    code?: unknown;
    statusCode?: unknown;
  };
  return Object.assign(copy, { code, statusCode });
}

/** What {@link engineError} needs to know about the call that failed. */
export interface EngineErrorContext {
  /** Where the engine is, for messages. */
  endpoint: string;
  /** The tag being pushed. */
  tag?: string;
  /** Removes the push credentials from messages. */
  redact?: Redactor;
  /** The build's progress, for the failing step. */
  steps?: { location(engineMessage?: string): BuildFailureLocation };
}

/**
 * Types an error that dockerode or the progress stream threw: engine
 * unreachable, build failed (with its step), push refused (auth, network) or
 * another engine answer. Typed errors pass through unchanged.
 */
export function engineError(
  operation: Operation,
  error: unknown,
  context: EngineErrorContext,
): Error {
  const redact = context.redact ?? ((text: string) => text);
  if (
    error instanceof BuildFailedError ||
    error instanceof ExecutorTimeoutError ||
    error instanceof ExecutorCancelledError ||
    error instanceof BuildRequestError
  ) {
    return error;
  }
  const cause = sanitizedCause(error, redact);
  if (isConnectionError(error)) {
    return unreachableError(context.endpoint, cause);
  }
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  const message = redact(engineMessage(error));
  if (typeof statusCode !== 'number') {
    return new ExecutorError(`The Docker engine failed: ${message}`, {
      cause,
      transient: false,
    });
  }
  if (operation === 'build' && context.steps) {
    // 4xx and 5xx alike: the engine answers 500 to a missing Dockerfile.
    return new BuildFailedError(message, context.steps.location(message), {
      transient: statusCode >= 500 && isNetworkMessage(message),
    });
  }
  if (operation === 'push' && statusCode === 404) {
    return new PushFailedError(
      `The Docker engine has no image ${context.tag}: ${message}`,
    );
  }
  if (operation === 'push') {
    const typed = pushFailure(context.tag ?? '', message);
    if (!(typed instanceof PushFailedError)) return typed;
  }
  return new ExecutorError(
    `The Docker engine answered ${statusCode}: ${message}`,
    { statusCode },
  );
}
