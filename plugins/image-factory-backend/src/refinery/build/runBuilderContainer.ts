import Dockerode from 'dockerode';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import tar from 'tar-fs';
import { pipeline } from 'stream/promises';
import { followOutput } from '../../executor/containerOutput';

/** Marks the refinery's containers, so that an operator can tell them apart. */
export const REFINERY_CONTAINER_LABEL = 'io.image-factory.refinery';

/**
 * An image the engine has: its id and whether it runs through QEMU (an
 * architecture other than the engine's own).
 */
export async function inspectBuilder(docker: Dockerode, image: string) {
  const [info, engine] = await Promise.all([
    docker.getImage(image).inspect(),
    docker.version(),
  ]);
  return { id: info.Id, emulated: info.Architecture !== engine.Arch };
}

/** One run of a command in a fresh container of an image the engine has. */
export interface BuilderContainerRun {
  image: string;
  platform: string;
  /** The command, as an argv (no shell unless it names one). */
  cmd: string[];
  env?: Record<string, string>;
  /** Files put in `/in` before the start. */
  files: Array<{ filename: string; bytes: Buffer }>;
  /** `host` only when the command must download (hints' Debian packages). */
  network: 'none' | 'host';
  timeoutMs: number;
  /** Files of this directory are read back after a successful run. */
  collect?: string;
  /** What the label says the container is for. */
  purpose: string;
  onLog: (line: string) => void;
  signal?: AbortSignal;
}

export interface BuilderContainerOutcome {
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  /** The files of `collect`, after exit code 0. */
  collected: Array<{ filename: string; bytes: Buffer }>;
}

async function putFiles(
  container: Dockerode.Container,
  files: BuilderContainerRun['files'],
) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refinery-in-'));
  try {
    // The engine extracts into an existing directory: / with in/<file>.
    await fs.mkdir(path.join(dir, 'in'));
    for (const f of files) {
      await fs.writeFile(path.join(dir, 'in', f.filename), f.bytes);
    }
    await container.putArchive(tar.pack(dir, { entries: ['in'] }), {
      path: '/',
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function readFiles(container: Dockerode.Container, from: string) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refinery-out-'));
  try {
    const archive = await container.getArchive({ path: from });
    await pipeline(archive, tar.extract(dir));
    const out = path.join(dir, path.basename(from));
    const names = (await fs.readdir(out)).sort();
    return Promise.all(
      names.map(async filename => ({
        filename,
        bytes: await fs.readFile(path.join(out, filename)),
      })),
    );
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return [];
    throw e;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a command once in a fresh container: files copied into `/in`, the
 * output line by line to `onLog`, killed past `timeoutMs` or when `signal`
 * aborts, the `collect` directory copied back after a success. The
 * container is removed in every case.
 */
export async function runBuilderContainer(
  docker: Dockerode,
  run: BuilderContainerRun,
): Promise<BuilderContainerOutcome> {
  run.signal?.throwIfAborted();
  const container = await docker.createContainer({
    _query: { platform: run.platform },
    _body: {
      Image: run.image,
      Entrypoint: [],
      Cmd: run.cmd,
      Env: Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v}`),
      WorkingDir: '/tmp',
      Labels: { [REFINERY_CONTAINER_LABEL]: run.purpose },
      Tty: false,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: { NetworkMode: run.network },
    },
  } as Dockerode.ContainerCreateOptions);
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const kill = () =>
    container.kill({ signal: 'SIGKILL' }).catch(() => {
      // It exited meanwhile.
    });
  run.signal?.addEventListener('abort', kill, { once: true });
  try {
    await putFiles(container, run.files);
    const attached = (await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as NodeJS.ReadWriteStream;
    const output = followOutput(docker, attached, run.onLog);
    // Stopped while it was being made: it never starts (a kill before the
    // start does nothing).
    run.signal?.throwIfAborted();
    const started = Date.now();
    await container.start();
    if (run.signal?.aborted) void kill();
    timer = setTimeout(() => {
      timedOut = true;
      void kill();
    }, run.timeoutMs);
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const durationMs = Date.now() - started;
    await output.drained();
    output.stop();
    const collected =
      StatusCode === 0 && run.collect
        ? await readFiles(container, run.collect)
        : [];
    return { exitCode: StatusCode, timedOut, durationMs, collected };
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', kill);
    await container.remove({ force: true, v: true }).catch(() => {
      // Already gone.
    });
  }
}
