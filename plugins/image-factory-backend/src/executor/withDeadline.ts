import { ExecutorCancelledError, ExecutorTimeoutError } from './errors';

/** What the executor does on the engine. */
export type Operation = 'build' | 'push' | 'run';

/**
 * Runs `fn` with a signal that aborts on the caller's signal or after
 * `timeoutMs`, and turns the abort into the matching typed error
 * ({@link ExecutorCancelledError}, {@link ExecutorTimeoutError}).
 */
export async function withDeadline<T>(
  operation: Operation,
  options: { signal?: AbortSignal; timeoutMs?: number },
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const cancel = () => controller.abort(new ExecutorCancelledError(operation));
  if (options.signal?.aborted) cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });
  const { timeoutMs } = options;
  const timer =
    timeoutMs !== undefined
      ? setTimeout(
          () =>
            controller.abort(new ExecutorTimeoutError(operation, timeoutMs)),
          timeoutMs,
        )
      : undefined;
  try {
    if (controller.signal.aborted) throw controller.signal.reason;
    return await fn(controller.signal);
  } catch (e) {
    // dockerode rejects with its own AbortError; the reason says why.
    if (controller.signal.aborted) throw controller.signal.reason;
    throw e;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
  }
}
