import { ChildProcess, execFile, spawn } from 'child_process';
import { promises as fs } from 'fs';
import { createConnection } from 'net';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { freePort } from './freePort';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

/** An OpenSSH server on a loopback port that lets one key in as the current user. */
export interface TestSshd {
  port: number;
  username: string;
  /** The private key file that logs in. */
  identityFile: string;
  stop(): Promise<void>;
}

async function listening(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts Debian's sshd (package openssh-server) in the foreground with its own
 * host key, authorized key and pid file in a temporary directory, as a remote
 * Docker host reached over ssh would be. `env` is set for the sessions, e.g.
 * the DOCKER_HOST that `docker system dial-stdio` connects to.
 */
export async function startTestSshd(
  env: Record<string, string> = {},
): Promise<TestSshd> {
  try {
    await fs.access(SSHD);
  } catch {
    throw new Error(
      `${SSHD} not found: install openssh-server (the test command does: scripts/test)`,
    );
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sshd-'));
  await fs.chmod(dir, 0o700);
  const hostKey = path.join(dir, 'host_ed25519');
  const identityFile = path.join(dir, 'client_ed25519');
  for (const file of [hostKey, identityFile]) {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  }
  await fs.copyFile(`${identityFile}.pub`, path.join(dir, 'authorized_keys'));
  // sshd checks its privilege separation directory even in the foreground.
  await fs.mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    ...Object.entries(env).map(([k, v]) => `SetEnv ${k}=${v}`),
  ];
  const configFile = path.join(dir, 'sshd_config');
  await fs.writeFile(configFile, `${config.join('\n')}\n`);

  let output = '';
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', d => (output += d));
  child.stderr?.on('data', d => (output += d));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`sshd did not start: ${output.slice(-2000)}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    port,
    username: os.userInfo().username,
    identityFile,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise(r => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
