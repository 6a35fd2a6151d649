import { RegistryAuthError, RegistryUnavailableError } from '../registry';
import { ExecutorUnreachableError, PushFailedError } from './errors';

// Node's codes for a connection that could not be made or was lost. EACCES
// (no permission on the socket) is the one a retry cannot fix.
const CONNECTION_ERROR_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EACCES',
]);

// The engine reports registry failures as text inside the progress stream;
// these are the wordings of distribution, containerd and Go's net package.
const AUTH_MESSAGE =
  /unauthorized|authentication required|access (to the resource )?is denied|access denied|denied:|no basic auth credentials|incorrect username or password|invalid username\/password/i;
const NETWORK_MESSAGE =
  /connection refused|connection reset|no such host|i\/o timeout|timeout exceeded|TLS handshake timeout|network is unreachable|no route to host|server misbehaving|unexpected EOF|broken pipe|service unavailable|bad gateway|gateway timeout|toomanyrequests|too many requests|status: 5\d\d|status code 5\d\d/i;

/** The Node error code (`ECONNREFUSED`, …) of an error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when the error is a failure to reach the engine, not an answer from it. */
export function isConnectionError(error: unknown): boolean {
  const statusCode = (error as { statusCode?: unknown } | undefined)
    ?.statusCode;
  const code = errorCode(error);
  return (
    statusCode === undefined &&
    code !== undefined &&
    CONNECTION_ERROR_CODES.has(code)
  );
}

/** Wraps a connection error as {@link ExecutorUnreachableError}, naming the endpoint. */
export function unreachableError(
  endpoint: string,
  cause: unknown,
): ExecutorUnreachableError {
  const code = errorCode(cause);
  const reasons: Record<string, string> = {
    ENOENT: 'no such socket',
    EACCES: 'permission denied',
  };
  const reason = (code && reasons[code]) ?? code ?? 'connection failed';
  return new ExecutorUnreachableError(
    `The Docker engine at ${endpoint} is unreachable (${reason})`,
    cause,
    code !== 'EACCES',
  );
}

/** True when an engine message points at the network rather than at the request. */
export function isNetworkMessage(message: string): boolean {
  return NETWORK_MESSAGE.test(message);
}

/**
 * Types the error a push reported in its progress stream: credentials
 * refused, registry unreachable (transient) or anything else (permanent).
 * `message` must already be free of secrets.
 */
export function pushFailure(
  tag: string,
  message: string,
): RegistryAuthError | RegistryUnavailableError | PushFailedError {
  if (AUTH_MESSAGE.test(message)) {
    return new RegistryAuthError(
      `The registry refused the credentials to push ${tag}: ${message}`,
    );
  }
  if (isNetworkMessage(message)) {
    return new RegistryUnavailableError(
      `The registry could not be reached to push ${tag}: ${message}`,
    );
  }
  return new PushFailedError(`The push of ${tag} failed: ${message}`);
}
