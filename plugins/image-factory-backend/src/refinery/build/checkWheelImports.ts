import Dockerode from 'dockerode';
import { inspectBuilder, runBuilderContainer } from './runBuilderContainer';

const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** What the install-and-import check found. */
export interface ImportCheckOutcome {
  passed: boolean;
  /** Whether the check ran through QEMU. */
  emulated: boolean;
  durationMs: number;
  log: string[];
  /** Why it failed, for people. */
  error?: string;
}

/**
 * Installs a wheel in a fresh container of the target platform (no network,
 * no index, no dependencies: only the wheel, into a directory of its own)
 * and imports each of `modules`, so that a wheel whose compiled code does
 * not load there (wrong architecture, a missing shared library) is never
 * served. A foreign platform runs through QEMU.
 */
export async function checkWheelImports(
  docker: Dockerode,
  request: {
    /** An image of the target platform with the target's Python. */
    image: string;
    platform: string;
    wheel: { filename: string; bytes: Buffer };
    modules: string[];
    timeoutMs: number;
    onLog?: (line: string) => void;
    signal?: AbortSignal;
  },
): Promise<ImportCheckOutcome> {
  const bad = request.modules.find(m => !MODULE.test(m));
  if (bad !== undefined)
    throw new Error(`modules: '${bad}' is not a module name`);
  const { emulated } = await inspectBuilder(docker, request.image);
  const log: string[] = [];
  const script = [
    'set -e',
    'python3 -m pip install --quiet --no-index --no-deps --no-cache-dir --disable-pip-version-check --target /tmp/site "/in/$1"',
    'shift',
    // Each import on its own, so that the log names the one that failed.
    'for m in "$@"; do PYTHONPATH=/tmp/site python3 -c "import importlib, sys; importlib.import_module(sys.argv[1]); print(\'imported\', sys.argv[1])" "$m"; done',
  ].join('\n');
  const outcome = await runBuilderContainer(docker, {
    image: request.image,
    platform: request.platform,
    cmd: ['sh', '-c', script, 'sh', request.wheel.filename, ...request.modules],
    env: { PIP_ROOT_USER_ACTION: 'ignore' },
    files: [request.wheel],
    network: 'none',
    timeoutMs: request.timeoutMs,
    purpose: `import check ${request.wheel.filename}`,
    signal: request.signal,
    onLog: line => {
      log.push(line);
      request.onLog?.(line);
    },
  });
  const passed = outcome.exitCode === 0 && !outcome.timedOut;
  let error: string | undefined;
  if (outcome.timedOut) error = 'The import check ran past its timeout';
  else if (!passed) {
    const last = [...log].reverse().find(l => /Error|error:/.test(l));
    error = `Installing and importing ${request.wheel.filename} on ${
      request.platform
    } failed${last ? `: ${last.trim()}` : ` (exit code ${outcome.exitCode})`}`;
  }
  return {
    passed,
    emulated,
    durationMs: outcome.durationMs,
    log,
    error,
  };
}
