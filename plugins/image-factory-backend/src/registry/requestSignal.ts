import { RegistryTimeoutError } from './errors';

/** Default of `imageFactory.registries.requestTimeout`: 30 seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** `30 s`, `1.5 s`, `250 ms`: how a timeout reads in an error message. */
export function describeTimeout(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The signal of one HTTP request to a registry: it aborts when the caller's
 * signal does (with the caller's reason) or when `timeoutMs` has passed,
 * with a {@link RegistryTimeoutError} naming the registry, the operation and
 * the timeout. Fetch rejects with the signal's reason, also while the body
 * is read, so the timeout covers the whole exchange.
 */
export function requestSignal(options: {
  registry: string;
  operation: string;
  timeoutMs: number;
  signal?: AbortSignal;
}): AbortSignal {
  const { registry, operation, timeoutMs } = options;
  // AbortSignal.timeout() aborts with a bare TimeoutError; this one says which
  // registry did not answer, and after how long.
  const timeout = new AbortController();
  setTimeout(
    () =>
      timeout.abort(
        new RegistryTimeoutError(
          `Registry ${registry} did not answer ${operation} within ${describeTimeout(
            timeoutMs,
          )} (imageFactory.registries.requestTimeout)`,
          registry,
          timeoutMs,
        ),
      ),
    timeoutMs,
  ).unref();
  return options.signal
    ? AbortSignal.any([options.signal, timeout.signal])
    : timeout.signal;
}

/** Whether an error is an abort the transport must pass on unchanged. */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return (
    error instanceof RegistryTimeoutError ||
    (signal?.aborted === true && error === signal.reason)
  );
}
