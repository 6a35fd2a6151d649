import { ChildProcess, execFile, spawn } from 'child_process';
import { existsSync, promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import Dockerode from 'dockerode';

/** A Docker engine for tests. */
export interface TestDockerd {
  /** The engine's unix socket. */
  socketPath: string;
  /** A client for it. */
  docker: Dockerode;
  /** True when this process started the engine (and `stop` ends it). */
  started: boolean;
  /** Stops the engine and removes its data, if this process started it; else does nothing. */
  stop(): Promise<void>;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_LOG_CHARS = 4_000;

const execFileAsync = promisify(execFile);

async function answers(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return false;
  try {
    await new Dockerode({ socketPath, timeout: 2_000 }).ping();
    return true;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  // dockerd stops its containerd and containers on SIGTERM.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Uses the Docker engine at `/var/run/docker.sock` when it answers, else
 * starts a private one (root only), as `scripts/lib/services.sh` does:
 * `dockerd --storage-driver=vfs --iptables=false --bridge=none`, but with its
 * own socket, data root, exec root and pid file in a temporary directory, so
 * that it never collides with the engine other tools start or use. Stopping
 * it removes that directory.
 */
export async function ensureDockerd(): Promise<TestDockerd> {
  if (await answers(DEFAULT_SOCKET)) {
    return {
      socketPath: DEFAULT_SOCKET,
      docker: new Dockerode({ socketPath: DEFAULT_SOCKET }),
      started: false,
      stop: async () => {},
    };
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      `No Docker engine answers at ${DEFAULT_SOCKET}, and only root can start one`,
    );
  }
  // Short: a unix socket path has at most 107 bytes, and containerd puts its
  // own sockets below the exec root.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ifd-'));
  const socketPath = path.join(dir, 'docker.sock');
  let output = '';
  const child = spawn(
    'dockerd',
    [
      '--storage-driver=vfs',
      '--iptables=false',
      '--bridge=none',
      `--data-root=${path.join(dir, 'data')}`,
      `--exec-root=${path.join(dir, 'x')}`,
      `--pidfile=${path.join(dir, 'dockerd.pid')}`,
      `--host=unix://${socketPath}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-MAX_LOG_CHARS);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', e => {
    spawnError = e;
  });

  const stop = async () => {
    await stopProcess(child);
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `dockerd exited (${child.exitCode ?? child.signalCode}): ${output}`,
        );
      }
      if (await answers(socketPath)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `dockerd did not answer within ${READY_TIMEOUT_MS} ms: ${output}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    socketPath,
    docker: new Dockerode({ socketPath }),
    started: true,
    stop,
  };
}

/**
 * Makes sure a QEMU binfmt handler for `qemuName` (`s390x`, `aarch64`) is
 * registered, as `ensure_binfmt` in `scripts/lib/services.sh` does, and
 * returns whether it is. Registering needs root and qemu-user-static with
 * binfmt-support.
 */
export async function ensureBinfmt(qemuName: string): Promise<boolean> {
  const entry = `/proc/sys/fs/binfmt_misc/qemu-${qemuName}`;
  const enabled = async () =>
    (await fs.readFile(entry, 'utf8').catch(() => '')).startsWith('enabled');
  if (await enabled()) return true;
  if (process.getuid?.() !== 0) return false;
  if (!existsSync('/proc/sys/fs/binfmt_misc/status')) {
    await execFileAsync('mount', [
      '-t',
      'binfmt_misc',
      'binfmt_misc',
      '/proc/sys/fs/binfmt_misc',
    ]).catch(() => undefined);
  }
  await execFileAsync('update-binfmts', ['--enable', `qemu-${qemuName}`]).catch(
    () => undefined,
  );
  return enabled();
}
