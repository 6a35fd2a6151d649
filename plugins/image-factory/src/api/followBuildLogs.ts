import { ResponseError } from '@backstage/errors';
import type {
  BuildLogLine,
  BuildLogPage,
  BuildRun,
} from '@image-factory/plugin-image-factory-common';
import type { BuildLogStreamOptions } from './ImageFactoryApi';
import { SseParser } from './sse';

/**
 * How a log is followed: reconnect delays (doubling from `initialDelayMs` up
 * to `maxDelayMs`), how many reconnects in a row without a single event
 * before falling back to polling, and the polling interval.
 *
 * @public
 */
export interface BuildLogStreamTiming {
  /** The delay before the first reconnect; default 1000. */
  initialDelayMs: number;
  /** The longest delay between reconnects; default 15000. */
  maxDelayMs: number;
  /** Failed connections in a row before polling instead; default 5. */
  maxReconnects: number;
  /** The interval of the polling fallback; default 3000. */
  pollIntervalMs: number;
}

/** The defaults of {@link BuildLogStreamTiming}. */
export const DEFAULT_LOG_STREAM_TIMING: BuildLogStreamTiming = {
  initialDelayMs: 1000,
  maxDelayMs: 15_000,
  maxReconnects: 5,
  pollIntervalMs: 3000,
};

/** How {@link followBuildLogs} reaches the backend. */
export interface BuildLogSource {
  /** Opens the SSE stream of the lines after `after`. */
  openStream(after: number, signal: AbortSignal): Promise<Response>;
  /** A page of the lines after `after`. */
  getLogs(after: number): Promise<BuildLogPage>;
  /** The run. */
  getRun(): Promise<BuildRun>;
}

/** How a connection ended. */
type Outcome = { ended: 'end' | 'dropped' | 'unsupported' };

/**
 * Follows a run's log: reads the SSE stream, reconnects after a drop from
 * the last line received with a bounded backoff, and polls the log pages
 * when the stream cannot be opened or keeps failing. Returns the function
 * that stops it.
 */
export function followBuildLogs(
  source: BuildLogSource,
  handlers: BuildLogStreamOptions,
  timing: BuildLogStreamTiming = DEFAULT_LOG_STREAM_TIMING,
): () => void {
  const controller = new AbortController();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSeq = handlers.after ?? 0;

  const sleep = (ms: number) =>
    new Promise<void>(resolve => {
      timer = setTimeout(resolve, ms);
    });

  const deliver = (line: BuildLogLine) => {
    if (line.seq > lastSeq) {
      lastSeq = line.seq;
      handlers.onLine(line);
    }
  };

  const finish = (error?: Error) => {
    if (stopped) {
      return;
    }
    stopped = true;
    if (error) {
      handlers.onError?.(error);
    } else {
      handlers.onEnd?.();
    }
  };

  async function streamOnce(): Promise<Outcome> {
    const response = await source.openStream(lastSeq, controller.signal);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (!response.body) {
      return { ended: 'unsupported' };
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (done || stopped) {
        return { ended: 'dropped' };
      }
      for (const event of parser.push(
        decoder.decode(value, { stream: true }),
      )) {
        try {
          if (event.event === 'log') {
            deliver(JSON.parse(event.data) as BuildLogLine);
          } else if (event.event === 'run') {
            handlers.onRun?.(JSON.parse(event.data) as BuildRun);
          } else if (event.event === 'end') {
            await reader.cancel().catch(() => undefined);
            return { ended: 'end' };
          }
        } catch (error) {
          // A malformed event is skipped; the next ones still count.
          if (!(error instanceof SyntaxError)) {
            throw error;
          }
        }
      }
    }
  }

  async function stream(): Promise<boolean> {
    let failures = 0;
    while (!stopped) {
      const seqBefore = lastSeq;
      try {
        const outcome = await streamOnce();
        if (outcome.ended === 'end') {
          finish();
          return true;
        }
        if (outcome.ended === 'unsupported') {
          return false;
        }
      } catch (error) {
        if (stopped) {
          return true;
        }
        // The backend answered but refused to stream: polling says why, or
        // works where streaming does not (a proxy that buffers, say).
        if (error instanceof ResponseError) {
          return false;
        }
      }
      // A connection that delivered lines before it dropped starts the
      // backoff afresh; only connections that bring nothing count.
      failures = lastSeq > seqBefore ? 1 : failures + 1;
      if (failures > timing.maxReconnects) {
        return false;
      }
      await sleep(
        Math.min(
          timing.initialDelayMs * 2 ** (failures - 1),
          timing.maxDelayMs,
        ),
      );
    }
    return true;
  }

  async function poll() {
    let failures = 0;
    let lastRun: string | undefined;
    while (!stopped) {
      try {
        const page = await source.getLogs(lastSeq);
        if (stopped) {
          return;
        }
        page.items.forEach(deliver);
        const run = await source.getRun();
        const json = JSON.stringify(run);
        if (!stopped && json !== lastRun) {
          lastRun = json;
          handlers.onRun?.(run);
        }
        failures = 0;
        if (page.done) {
          finish();
          return;
        }
      } catch (error) {
        failures += 1;
        const clientError =
          error instanceof ResponseError && error.statusCode < 500;
        if (clientError || failures > timing.maxReconnects) {
          finish(error as Error);
          return;
        }
      }
      await sleep(timing.pollIntervalMs);
    }
  }

  (async () => {
    if (!(await stream())) {
      await poll();
    }
  })().catch(error => finish(error));

  return () => {
    stopped = true;
    clearTimeout(timer);
    controller.abort();
  };
}
