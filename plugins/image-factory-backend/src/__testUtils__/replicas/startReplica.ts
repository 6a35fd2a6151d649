import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { ChildProcess, spawn } from 'child_process';
import path from 'path';
import readline from 'readline';
import type { ReplicaOptions } from './replicaMain';

/** A backend replica's build engine running in a child process. */
export interface TestReplica {
  name: string;
  pid: number;
  /** The runs this process recorded as finished, in order. */
  finished: BuildRun[];
  /** Errors and warnings it logged. */
  problems: string[];
  /** A crash: the process ends at once, its leases left to expire. */
  kill(): Promise<void>;
  /** A shutdown: the worker stops its runs and gives them back to the queue. */
  stop(): Promise<void>;
}

/**
 * Starts {@link ReplicaOptions} in a child process (TypeScript through
 * Backstage's node transform, as the benches run) and resolves when its
 * worker polls the queue.
 */
export async function startReplica(
  options: ReplicaOptions,
): Promise<TestReplica> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'replicaMain.ts'),
    ],
    {
      env: { ...process.env, REPLICA_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const replica: TestReplica = {
    name: options.name,
    pid: child.pid!,
    finished: [],
    problems: [],
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
  const stderr: string[] = [];
  child.stderr!.on('data', chunk => stderr.push(String(chunk)));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', code =>
      reject(
        new Error(
          `replica ${
            options.name
          } exited with ${code} before it was ready: ${stderr.join('')}`,
        ),
      ),
    );
    readline.createInterface({ input: child.stdout! }).on('line', line => {
      let event: Record<string, any>;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.ready) resolve();
      if (event.finished) replica.finished.push(event.finished);
      if (event.log) replica.problems.push(`${event.log}: ${event.message}`);
    });
  });
  await ready;
  return replica;
}
