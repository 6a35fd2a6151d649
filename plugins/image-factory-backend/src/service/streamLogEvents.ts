import { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { Response } from 'express';

/** How long a log stream waits for news before it looks at the database again. */
const STREAM_POLL_MS = 1_000;
/** The longest a stream stays silent. */
const KEEPALIVE_MS = 15_000;
/** Lines read per query while a stream catches up. */
const STREAM_PAGE = 500;

/** What a log stream follows: a build run, a refinery build. */
export interface LogStreamSource {
  /** The event name of the state (`run`, `job`). */
  stateEvent: string;
  /** The thing's state now; undefined once it is gone. */
  state(): Promise<
    { data: unknown; status: string; finished: boolean } | undefined
  >;
  /** Lines with `seq > after`. */
  lines(after: number, limit: number): Promise<BuildLogLine[]>;
  /** Resolves at the next change, after `timeoutMs`, or when `signal` aborts. */
  next(timeoutMs: number, signal: AbortSignal): Promise<void>;
}

/**
 * Server-sent events of a log: `log` (id = seq, data = BuildLogLine) for
 * every line after `after`, the state (`run`, `job`…) at the start and on
 * every change, and `end` once it has ended and every line was sent.
 */
export async function streamLogEvents(
  res: Response,
  source: LogStreamSource,
  after: number,
) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let lastSent = Date.now();
  const closed = new AbortController();
  // The response's close is the connection's; the request's comes once its body is read.
  res.on('close', () => closed.abort());
  const send = (text: string) => {
    lastSent = Date.now();
    res.write(text);
    // The compression middleware holds output until it is flushed.
    (res as Response & { flush?: () => void }).flush?.();
  };
  send('retry: 2000\n\n');

  let seq = after;
  let lastState = '';
  while (!closed.signal.aborted) {
    // The state first: a thing seen ended has all its lines written.
    const state = await source.state();
    if (!state) break;
    const stateJson = JSON.stringify(state.data);
    if (stateJson !== lastState) {
      send(`event: ${source.stateEvent}\ndata: ${stateJson}\n\n`);
      lastState = stateJson;
    }
    for (;;) {
      const page = await source.lines(seq, STREAM_PAGE);
      for (const line of page) {
        send(`id: ${line.seq}\nevent: log\ndata: ${JSON.stringify(line)}\n\n`);
        seq = line.seq;
      }
      if (page.length < STREAM_PAGE || closed.signal.aborted) break;
    }
    if (state.finished) {
      send(`event: end\ndata: ${JSON.stringify({ status: state.status })}\n\n`);
      break;
    }
    await source.next(STREAM_POLL_MS, closed.signal);
    if (Date.now() - lastSent > KEEPALIVE_MS) {
      // A comment, so that proxies do not close a quiet stream.
      send(': keepalive\n\n');
    }
  }
  res.end();
}
