import { ChildProcess, execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';

import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { freePort } from './freePort';
import { startTestTokenServer, TestTokenServer } from './startTestTokenServer';

/** A running throwaway registry. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, as written in image references. */
  host: string;
  /** Kills the registry and removes its storage. */
  stop(): Promise<void>;
  /** Kills the registry but keeps its storage, as a registry that went down. */
  pause(): Promise<void>;
  /** Starts a paused registry again on the same port, with the same storage. */
  resume(): Promise<void>;
  /** The token service, when started with `bearer`. */
  tokenServer?: TestTokenServer;
}

/** Options of {@link startTestRegistry}. */
export interface StartTestRegistryOptions {
  /** Require these credentials (htpasswd, bcrypt). Default: open. */
  auth?: { username: string; password: string };
  /**
   * Require bearer tokens from a test token service that grants these
   * credentials (distribution's `auth.token`, as Docker Hub and GHCR do).
   * Excludes `auth`.
   */
  bearer?: { username: string; password: string };
  /** Send Distribution notifications (push events) here, with this bearer token. */
  notifications?: { url: string; token: string };
}

const REGISTRY_BINARY = 'docker-registry';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const MAX_LOG_CHARS = 4_000;

const execFileAsync = promisify(execFile);

function registryConfig(options: {
  dir: string;
  port: number;
  htpasswd?: string;
  token?: TestTokenServer;
  notifications?: { url: string; token: string };
}): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(options.dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${options.port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (options.htpasswd) {
    lines.push(
      'auth:',
      '  htpasswd:',
      '    realm: image-factory-test',
      `    path: ${JSON.stringify(options.htpasswd)}`,
    );
  }
  if (options.token) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(options.token.realm)}`,
      `    service: ${JSON.stringify(options.token.service)}`,
      `    issuer: ${JSON.stringify(options.token.issuer)}`,
      `    rootcertbundle: ${JSON.stringify(options.token.certificatePath)}`,
    );
  }
  if (options.notifications) {
    lines.push(
      'notifications:',
      '  endpoints:',
      '    - name: image-factory',
      `      url: ${JSON.stringify(options.notifications.url)}`,
      '      headers:',
      `        Authorization: [${JSON.stringify(
        `Bearer ${options.notifications.token}`,
      )}]`,
      '      timeout: 2s',
      '      threshold: 3',
      '      backoff: 200ms',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${REGISTRY_BINARY} exited (${
          child.exitCode ?? child.signalCode
        }): ${log()}`,
      );
    }
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  throw new Error(
    `${REGISTRY_BINARY} did not answer ${url} within ${READY_TIMEOUT_MS} ms: ${log()}`,
  );
}

async function stopProcess(child: ChildProcess): Promise<void> {
  // No pid: the binary never started (ENOENT), and no exit event will come.
  if (child.pid === undefined) return;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a real registry (distribution, Debian's `docker-registry`) on a free
 * loopback port with storage in a temporary directory, optionally behind
 * htpasswd or bearer-token auth, and waits until `/v2/` answers.
 */
export async function startTestRegistry(
  options: StartTestRegistryOptions = {},
): Promise<TestRegistry> {
  if (options.auth && options.bearer) {
    throw new Error('auth and bearer exclude each other');
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'test-registry-'));
  let child: ChildProcess | undefined;
  let token: TestTokenServer | undefined;
  try {
    if (options.bearer) {
      token = await startTestTokenServer({ dir, ...options.bearer });
    }
    let htpasswd: string | undefined;
    if (options.auth) {
      const { stdout } = await execFileAsync('htpasswd', [
        '-Bbn',
        options.auth.username,
        options.auth.password,
      ]);
      htpasswd = path.join(dir, 'htpasswd');
      await fs.writeFile(htpasswd, stdout);
    }
    // The port is free when asked; another process could take it before the
    // registry binds, which then shows as an exit with the bind error.
    const port = await freePort();
    const config = path.join(dir, 'config.yml');
    await fs.writeFile(
      config,
      registryConfig({
        dir,
        port,
        htpasswd,
        token,
        notifications: options.notifications,
      }),
    );

    const launch = async () => {
      let output = '';
      const started = spawn(REGISTRY_BINARY, ['serve', config], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-MAX_LOG_CHARS);
      };
      started.stdout?.on('data', collect);
      started.stderr?.on('data', collect);
      const spawnError = new Promise<never>((_, reject) =>
        started.once('error', reject),
      );
      // Only the start-up race below listens; a later error has no one to tell.
      spawnError.catch(() => {});
      await Promise.race([
        waitUntilReady(`http://127.0.0.1:${port}/v2/`, started, () => output),
        spawnError,
      ]);
    };
    await launch();

    return {
      host: `127.0.0.1:${port}`,
      tokenServer: token,
      async stop() {
        if (child) await stopProcess(child);
        await token?.stop();
        await fs.rm(dir, { recursive: true, force: true });
      },
      async pause() {
        if (child) await stopProcess(child);
      },
      async resume() {
        await launch();
      },
    };
  } catch (e) {
    if (child) await stopProcess(child);
    await token?.stop();
    await fs.rm(dir, { recursive: true, force: true });
    throw e;
  }
}
