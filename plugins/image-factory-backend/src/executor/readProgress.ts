/**
 * One JSON message of the Docker Engine API's progress streams (build, push),
 * as written by the engine's `jsonmessage` package.
 */
export interface EngineMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  message?: string;
}

/** How a progress stream ended, when it ended without a transport error. */
export interface ProgressOutcome {
  /** The `aux` objects, in order (a build's `ID`, a push's `Tag`/`Digest`/`Size`). */
  aux: Record<string, unknown>[];
  /** The engine's error message, when it reported one: build and push errors arrive inside an HTTP 200 stream. */
  error?: string;
}

/**
 * Reads a newline-delimited JSON progress stream to its end, handing every
 * message to `onMessage`. A line that is not JSON is handed on as `stream`
 * text. Rejects with the stream's error, or with `signal.reason` when the
 * signal aborts (the stream is then destroyed, which closes the connection and
 * makes the engine stop the operation).
 */
export function readProgress(
  stream: NodeJS.ReadableStream,
  onMessage: (message: EngineMessage) => void,
  signal?: AbortSignal,
): Promise<ProgressOutcome> {
  return new Promise((resolve, reject) => {
    const outcome: ProgressOutcome = { aux: [] };
    let buffered = '';
    let settled = false;
    let detach = () => {};

    const handleLine = (raw: string) => {
      const line = raw.trim();
      if (!line) return;
      let message: EngineMessage;
      try {
        const parsed = JSON.parse(line);
        message =
          parsed && typeof parsed === 'object'
            ? (parsed as EngineMessage)
            : { stream: line };
      } catch {
        message = { stream: line };
      }
      if (message.aux && typeof message.aux === 'object') {
        outcome.aux.push(message.aux);
      }
      if (message.error || message.errorDetail) {
        outcome.error ??=
          message.errorDetail?.message || message.error || 'unknown error';
      }
      onMessage(message);
    };

    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      detach();
      if (error !== undefined) reject(error);
      else {
        if (buffered) handleLine(buffered);
        buffered = '';
        resolve(outcome);
      }
    };
    const onAbort = () => {
      finish(signal?.reason);
      (stream as unknown as { destroy?: () => void }).destroy?.();
    };

    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    detach = () => signal?.removeEventListener('abort', onAbort);
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      try {
        lines.forEach(handleLine);
      } catch (e) {
        // A throwing onMessage (the caller's onLog) ends the read.
        finish(e);
        (stream as unknown as { destroy?: () => void }).destroy?.();
      }
    });
    stream.once('end', () => finish());
    // A close without an end: the connection dropped (the engine stopped).
    stream.once('close', () =>
      finish(
        Object.assign(new Error('The engine closed the stream early'), {
          code: 'ECONNRESET',
        }),
      ),
    );
    stream.once('error', (e: unknown) => finish(e));
  });
}
