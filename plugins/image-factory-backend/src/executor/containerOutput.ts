import Dockerode from 'dockerode';
import { PassThrough } from 'stream';

/** How long the output may trail the container's exit before it is given up on. */
const DRAIN_TIMEOUT_MS = 5_000;

/** Hands each complete line of a text stream to `onLine`, the rest at `end`. */
function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void) {
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    parts.forEach(line => onLine(line.replace(/\r$/, '')));
  });
  stream.on('end', () => {
    if (buffered) onLine(buffered.replace(/\r$/, ''));
    buffered = '';
  });
}

/**
 * Follows the attached output of a container (stdout and stderr,
 * multiplexed by the engine) line by line; `drained()` resolves once the
 * engine closed it, or after a few seconds, so that a stuck stream cannot
 * hold a finished run; `stop()` lets go of it at once.
 */
export function followOutput(
  docker: Dockerode,
  attached: NodeJS.ReadWriteStream,
  onLine: (line: string) => void,
): { drained(): Promise<void>; stop(): void } {
  // Separate buffers: a line of stderr must not split a line of stdout.
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  lines(stdout, onLine);
  lines(stderr, onLine);
  docker.modem.demuxStream(attached, stdout, stderr);
  const closed = new Promise<void>(resolve => {
    const done = () => {
      stdout.end();
      stderr.end();
      resolve();
    };
    attached.once('end', done);
    attached.once('close', done);
    attached.once('error', done);
  });
  const stop = () =>
    (attached as unknown as { destroy?: () => void }).destroy?.();
  return {
    stop,
    drained: async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        closed,
        new Promise<void>(resolve => {
          timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      stop();
    },
  };
}
