/*
 * A bench:tracking child process: runs one scale's setup or its measured
 * passes (bench/tracking/scale.ts) as bench/tracking.ts asks over IPC, and
 * sends back the figures. The counting proxy stays in the parent: the child
 * asks it for the counts.
 */
import { runPasses, runSetup, ScaleOptions } from './scale';
import { Counts, Scale, SetupFigures } from './types';

/** What the parent sends to start a child. */
export type ChildRequest = {
  role: 'setup' | 'passes';
  scale: Scale;
  registryHost: string;
  proxyHost: string;
  file: string;
  setup?: SetupFigures;
};

/** What a child sends to the parent. */
export type ChildMessage =
  | { benchTrackingTake: true }
  | { benchTrackingResult: unknown }
  | { benchTrackingError: string };

const send = (message: ChildMessage) =>
  new Promise<void>((resolve, reject) =>
    process.send!(message, undefined, {}, error =>
      error ? reject(error) : resolve(),
    ),
  );

let waiting: ((counts: Counts) => void) | undefined;
const takeCounts = async () => {
  const counts = new Promise<Counts>(resolve => {
    waiting = resolve;
  });
  await send({ benchTrackingTake: true });
  return counts;
};

process.on('message', (message: { start?: ChildRequest; counts?: Counts }) => {
  if (message.counts) {
    const resolve = waiting;
    waiting = undefined;
    resolve?.(message.counts);
    return;
  }
  const start = message.start;
  if (!start) return;
  const options: ScaleOptions = { ...start, takeCounts };
  const run =
    start.role === 'setup'
      ? runSetup(options)
      : runPasses(options, start.setup!);
  run.then(
    async result => {
      await send({ benchTrackingResult: result });
      process.exit(0); // the registry client's keep-alive sockets would hold it
    },
    async error => {
      await send({ benchTrackingError: `${error?.stack ?? error}` });
      process.exit(1);
    },
  );
});
