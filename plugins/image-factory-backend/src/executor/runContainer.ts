import {
  ImageFactoryContainerRunRequest,
  ImageFactoryContainerRunResult,
} from '@image-factory/plugin-image-factory-node';
import Dockerode from 'dockerode';
import { followOutput } from './containerOutput';
import { engineError } from './engineError';
import { BuildRequestError, ExecutorCancelledError } from './errors';
import { pullImage, PullEngine } from './pullImage';
import { createRedactor } from './redact';

/** Marks the containers of runs, so that an operator can tell them apart. */
export const RUN_LABEL = 'io.image-factory.run';

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const ENV_NAME = /^[^=\0]+$/;

function validate(request: ImageFactoryContainerRunRequest) {
  if (!PLATFORM.test(request.platform)) {
    throw new BuildRequestError(
      `platform: must be os/arch[/variant] such as linux/amd64, got '${request.platform}'`,
    );
  }
  if (request.command && request.command.length === 0) {
    throw new BuildRequestError('command: must not be empty when given');
  }
  for (const name of Object.keys(request.env ?? {})) {
    if (!ENV_NAME.test(name)) {
      throw new BuildRequestError(
        `env: '${name}' is not a variable name (no '=' or NUL)`,
      );
    }
  }
  if (
    request.timeoutMs !== undefined &&
    !(Number.isFinite(request.timeoutMs) && request.timeoutMs > 0)
  ) {
    throw new BuildRequestError(
      `timeoutMs: must be a positive number, got ${request.timeoutMs}`,
    );
  }
}

/**
 * Pulls the request's image for its platform and runs it once: no network
 * (a check tests the image, not the world), output line by line to `onLog`,
 * killed past `timeoutMs` (then `timedOut`) or when `signal` aborts (then
 * {@link ExecutorCancelledError}). The container is removed in every case;
 * the pulled image stays, as a cache for the next run.
 */
export async function runContainer(
  engine: PullEngine,
  request: ImageFactoryContainerRunRequest,
  clock: () => number = Date.now,
): Promise<ImageFactoryContainerRunResult> {
  validate(request);
  const redact = createRedactor(
    request.pullAuth?.password,
    request.pullAuth?.username,
  );
  const fail = (e: unknown) =>
    engineError('run', e, { endpoint: engine.endpoint, redact });
  const imageId = await pullImage(engine, request);
  if (request.signal?.aborted) throw new ExecutorCancelledError('run');

  let container: Dockerode.Container;
  try {
    container = await engine.docker.createContainer({
      _query: { platform: request.platform },
      _body: {
        Image: imageId,
        ...(request.command ? { Entrypoint: request.command, Cmd: [] } : {}),
        Env: Object.entries(request.env ?? {}).map(([k, v]) => `${k}=${v}`),
        Labels: { [RUN_LABEL]: request.image },
        Tty: false,
        AttachStdout: true,
        AttachStderr: true,
        HostConfig: { NetworkMode: 'none' },
      },
    } as Dockerode.ContainerCreateOptions);
  } catch (e) {
    throw fail(e);
  }
  try {
    return await runCreated(engine.docker, container, request, clock).catch(
      e => {
        throw e instanceof ExecutorCancelledError ? e : fail(e);
      },
    );
  } finally {
    await container.remove({ force: true, v: true }).catch(() => {
      // Already gone (the engine removed it) or the engine went away; the
      // label lets an operator find a leftover.
    });
  }
}

async function runCreated(
  docker: Dockerode,
  container: Dockerode.Container,
  request: ImageFactoryContainerRunRequest,
  clock: () => number,
): Promise<ImageFactoryContainerRunResult> {
  // Attached before the start, so that no early line is missed.
  const attached = (await container.attach({
    stream: true,
    stdout: true,
    stderr: true,
  })) as NodeJS.ReadWriteStream;
  const output = followOutput(docker, attached, line => request.onLog?.(line));
  let timedOut = false;
  let cancelled = false;
  const kill = () =>
    container.kill({ signal: 'SIGKILL' }).catch(() => {
      // It exited meanwhile.
    });
  const onAbort = () => {
    cancelled = true;
    void kill();
  };
  request.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    await container.start();
    const started = clock();
    if (request.signal?.aborted) onAbort();
    if (request.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        void kill();
      }, request.timeoutMs);
    }
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const durationMs = clock() - started;
    await output.drained();
    if (cancelled) throw new ExecutorCancelledError('run');
    return { exitCode: StatusCode, durationMs, timedOut };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
    output.stop();
  }
}
