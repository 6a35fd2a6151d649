import {
  ImageFactoryBuildAndPushRequest,
  ImageFactoryBuildAndPushResult,
  ImageFactoryExecutorInfo,
  ImageFactorySelfPushingExecutor,
} from '@image-factory/plugin-image-factory-node';
import Dockerode from 'dockerode';
import { promises as fs } from 'fs';
import path from 'path';

/** Every file under `dir`, relative to it, as the engine's build context takes them. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, prefix), {
    withFileTypes: true,
  })) {
    const name = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(dir, name)));
    else files.push(name);
  }
  return files;
}

/** Follows an engine stream to its end; rejects with the first `error` event. */
function follow(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
): Promise<Array<Record<string, any>>> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error, events) => {
      const failed = events?.find(e => e.error);
      if (error || failed) reject(error ?? new Error(failed!.error));
      else resolve(events);
    }),
  );
}

/**
 * A remote builder for tests: builds each platform on a real Docker engine
 * (dockerode) and pushes it itself with the credentials it is given,
 * returning the pushed manifest's digest. With `buildsAs`, it builds that
 * platform whatever the request asks, as a builder with a bug would.
 */
export class DockerodePushingExecutor
  implements ImageFactorySelfPushingExecutor
{
  /** The requests it got, credentials included. */
  readonly requests: ImageFactoryBuildAndPushRequest[] = [];

  constructor(
    readonly id: string,
    private readonly docker: Dockerode,
    private readonly info: ImageFactoryExecutorInfo,
    private readonly buildsAs?: string,
  ) {}

  async describe(): Promise<ImageFactoryExecutorInfo> {
    return this.info;
  }

  async checkHealth(): Promise<void> {
    await this.docker.ping();
  }

  async buildAndPush(
    request: ImageFactoryBuildAndPushRequest,
  ): Promise<ImageFactoryBuildAndPushResult> {
    this.requests.push(request);
    const started = Date.now();
    const build = await this.docker.buildImage(
      {
        context: request.contextDir,
        src: await filesUnder(request.contextDir),
      },
      {
        t: request.tag,
        dockerfile: request.dockerfile,
        platform: this.buildsAs ?? request.platform,
        buildargs: request.buildArgs,
      },
    );
    await follow(this.docker, build);
    const built = Date.now();
    const push = await this.docker
      .getImage(request.tag)
      .push({ authconfig: request.pushAuth });
    const events = await follow(this.docker, push);
    const digest = events.find(e => e.aux?.Digest)?.aux.Digest as string;
    if (!digest) throw new Error(`the push of ${request.tag} named no digest`);
    return {
      digest,
      buildDurationMs: built - started,
      pushDurationMs: Date.now() - built,
    };
  }
}
