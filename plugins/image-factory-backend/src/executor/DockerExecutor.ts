import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ImageFactoryBuildRequest,
  ImageFactoryBuildResult,
  ImageFactoryExecutor,
  ImageFactoryExecutorInfo,
  ImageFactoryPushAuth,
  ImageFactoryPushRequest,
  ImageFactoryPushResult,
} from '@image-factory/plugin-image-factory-node';
import Dockerode from 'dockerode';
import { BINFMT_MISC_DIR, ociArchitecture, readEmulators } from './binfmt';
import { normalizeDockerfilePath, packBuildContext } from './buildContext';
import { isNetworkMessage, pushFailure } from './classifyError';
import { engineError } from './engineError';
import { BuildFailedError, BuildRequestError, PushFailedError } from './errors';
import { ProgressLog, StepTracker } from './progressLog';
import { readProgress } from './readProgress';
import { createRedactor } from './redact';
import { DockerExecutorHealth, DockerExecutorOptions } from './types';
import { withDeadline } from './withDeadline';

const DEFAULT_ID = 'docker';
const DEFAULT_CONCURRENCY = 2;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const PLATFORM_MISMATCH = /does not match the specified platform/;

function isDockerode(
  docker: Dockerode | Dockerode.DockerOptions | undefined,
): docker is Dockerode {
  return !!docker && typeof (docker as Dockerode).buildImage === 'function';
}

/** Splits `registry/repository:tag` into the repository reference and the tag. */
export function splitTag(tag: string): { name: string; tag: string } {
  if (tag.includes('@')) {
    throw new BuildRequestError(`tag: must not contain a digest, got '${tag}'`);
  }
  const slash = tag.lastIndexOf('/');
  const colon = tag.lastIndexOf(':');
  if (colon > slash) {
    return { name: tag.slice(0, colon), tag: tag.slice(colon + 1) };
  }
  return { name: tag, tag: 'latest' };
}

/**
 * Builds and pushes images on one Docker engine through the Engine API
 * (dockerode), one platform per build with the classic builder; QEMU binfmt
 * handlers on the engine's host give it the foreign platforms.
 */
export class DockerExecutor implements ImageFactoryExecutor {
  readonly id: string;
  private readonly docker: Dockerode;
  private readonly logger: LoggerService;
  private readonly concurrency: number;
  private readonly binfmtDir: string;
  /** Where the engine is, for messages: `unix:///var/run/docker.sock`, `tcp://host:2375`. */
  readonly endpoint: string;
  private readonly local: boolean;

  static create(options: DockerExecutorOptions): DockerExecutor {
    return new DockerExecutor(options);
  }

  private constructor(options: DockerExecutorOptions) {
    this.id = options.id ?? DEFAULT_ID;
    this.docker = isDockerode(options.docker)
      ? options.docker
      : new Dockerode(options.docker);
    this.logger = options.logger;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.binfmtDir = options.binfmtDir ?? BINFMT_MISC_DIR;
    const modem = this.docker.modem as {
      socketPath?: string;
      host?: string;
      port?: number | string;
      protocol?: string;
    };
    this.local = !!modem.socketPath;
    this.endpoint = modem.socketPath
      ? `unix://${modem.socketPath}`
      : `${modem.protocol ?? 'http'}://${modem.host}${
          modem.port ? `:${modem.port}` : ''
        }`;
  }

  /** Health and capabilities of the engine; never throws. */
  async ping(): Promise<DockerExecutorHealth> {
    try {
      const version = await this.docker.version();
      const architecture = ociArchitecture(version.Arch);
      const emulators = this.local
        ? await readEmulators(this.binfmtDir)
        : undefined;
      if (emulators) delete emulators[architecture];
      return {
        reachable: true,
        version: version.Version,
        apiVersion: version.ApiVersion,
        platform: `${version.Os}/${architecture}`,
        architecture,
        emulators,
      };
    } catch (e) {
      return {
        reachable: false,
        error: engineError('build', e, { endpoint: this.endpoint }),
      };
    }
  }

  async checkHealth(): Promise<void> {
    const health = await this.ping();
    if (!health.reachable) throw health.error;
  }

  async describe(): Promise<ImageFactoryExecutorInfo> {
    const health = await this.ping();
    if (!health.reachable) throw health.error;
    const emulatedPlatforms = Object.entries(health.emulators ?? {})
      .filter(([, usable]) => usable)
      .map(([arch]) => `linux/${arch}`);
    return {
      platforms: [health.platform, ...emulatedPlatforms],
      emulatedPlatforms,
      concurrency: this.concurrency,
    };
  }

  async buildPlatform(
    request: ImageFactoryBuildRequest,
  ): Promise<ImageFactoryBuildResult> {
    if (!PLATFORM.test(request.platform)) {
      throw new BuildRequestError(
        `platform: must be os/arch[/variant] such as linux/amd64, got '${request.platform}'`,
      );
    }
    splitTag(request.tag);
    normalizeDockerfilePath(request.dockerfile);
    const started = Date.now();
    const { platform, tag } = request;
    this.logger.debug('Build started', { tag, platform, executor: this.id });

    // The classic builder's cache does not compare platforms: after FROM
    // scratch, a step can come back from the cache as another platform's
    // image, which then either fails the next step or ends as the result. A
    // second build without cache gets it right.
    const [os, arch] = platform.split('/');
    await this.pullCacheImages(request);
    let imageId: string | undefined;
    try {
      imageId = await this.runBuild(request, false);
      const image = await this.inspect(imageId);
      if (image.Architecture !== arch || image.Os !== os) {
        request.onLog?.(
          `The engine's cache gave a ${image.Os}/${image.Architecture} image for ${platform}; building again without cache`,
        );
        imageId = undefined;
      }
    } catch (e) {
      if (
        !(
          e instanceof BuildFailedError &&
          PLATFORM_MISMATCH.test(e.engineMessage)
        )
      ) {
        throw e;
      }
      request.onLog?.(
        `The engine's cache gave an image of another platform than ${platform}; building again without cache`,
      );
    }
    if (!imageId) {
      try {
        imageId = await this.runBuild(request, true);
      } catch (e) {
        if (
          e instanceof BuildFailedError &&
          PLATFORM_MISMATCH.test(e.engineMessage)
        ) {
          throw new BuildFailedError(
            `${e.engineMessage} (the classic builder gives the host's platform to a step after FROM scratch that adds no layer, such as ARG, ENV or LABEL: put those after the first COPY)`,
            {
              step: e.step,
              stepNumber: e.stepNumber,
              line: e.line,
              instruction: e.instruction,
            },
          );
        }
        throw e;
      }
      const image = await this.inspect(imageId);
      if (image.Architecture !== arch || image.Os !== os) {
        throw new BuildFailedError(
          `the engine built ${image.Os}/${image.Architecture} instead of ${platform}`,
        );
      }
    }
    const durationMs = Date.now() - started;
    this.logger.info('Build finished', {
      tag,
      platform,
      imageId,
      durationMs,
      executor: this.id,
    });
    return { imageId, durationMs };
  }

  async push(
    request: ImageFactoryPushRequest,
  ): Promise<ImageFactoryPushResult> {
    const { tag, auth } = request;
    const target = splitTag(tag);
    const redact = createRedactor(auth?.password, auth?.username);
    const started = Date.now();
    const emit = (line: string) => request.onLog?.(redact(line));
    const log = new ProgressLog(emit);
    this.logger.debug('Push started', { tag, executor: this.id });

    const outcome = await withDeadline('push', request, async signal => {
      try {
        const stream = await this.docker.getImage(target.name).push({
          tag: target.tag,
          ...(auth
            ? {
                authconfig: {
                  username: auth.username,
                  password: auth.password,
                  serveraddress: auth.serveraddress,
                },
              }
            : {}),
          abortSignal: signal,
        });
        const result = await readProgress(stream, m => log.handle(m), signal);
        log.flush();
        return result;
      } catch (e) {
        throw engineError('push', e, { endpoint: this.endpoint, tag, redact });
      }
    });
    if (outcome.error) throw pushFailure(tag, redact(outcome.error));
    const digest = outcome.aux
      .map(aux => aux.Digest)
      .find((d): d is string => typeof d === 'string');
    if (!digest) {
      throw new PushFailedError(
        `The push of ${tag} ended without a manifest digest`,
      );
    }
    const durationMs = Date.now() - started;
    this.logger.info('Push finished', {
      tag,
      digest,
      durationMs,
      executor: this.id,
    });
    return { digest, durationMs };
  }

  /**
   * The classic builder reuses layers only of images the engine holds: an
   * earlier image that another engine built (or that was removed here) is
   * pulled first. One that cannot be pulled (the first build) is left out.
   */
  private async pullCacheImages(request: ImageFactoryBuildRequest) {
    for (const image of request.cacheFrom ?? []) {
      if (await this.holds(image)) continue;
      const redact = createRedactor(
        request.cacheFromAuth?.password,
        request.cacheFromAuth?.username,
      );
      try {
        await withDeadline('build', request, async signal => {
          const stream = await this.docker.pull(image, {
            platform: request.platform,
            abortSignal: signal,
            ...(request.cacheFromAuth
              ? { authconfig: { ...request.cacheFromAuth } }
              : {}),
          });
          const outcome = await readProgress(stream, () => {}, signal);
          if (outcome.error) throw new Error(outcome.error);
        });
        request.onLog?.(`Pulled ${image} to reuse its layers`);
      } catch (e) {
        request.onLog?.(
          `No earlier image to reuse layers from (${redact(
            (e as Error).message ?? String(e),
          )})`,
        );
      }
    }
  }

  private async holds(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch {
      return false;
    }
  }

  /** Removes a tag from the engine (and the image when no other tag holds it); a missing tag is fine. */
  async removeImage(tag: string): Promise<void> {
    try {
      await this.docker.getImage(tag).remove({ noprune: false });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return;
      throw engineError('build', e, { endpoint: this.endpoint });
    }
  }

  private async runBuild(
    request: ImageFactoryBuildRequest,
    nocache: boolean,
  ): Promise<string> {
    const context = await packBuildContext(
      request.contextDir,
      request.dockerfile,
    );
    const steps = new StepTracker(context.dockerfileText);
    const log = new ProgressLog(
      line => request.onLog?.(line),
      line => steps.see(line),
    );
    const outcome = await withDeadline('build', request, async signal => {
      try {
        const stream = await this.docker.buildImage(context.tar, {
          t: request.tag,
          dockerfile: normalizeDockerfilePath(request.dockerfile),
          platform: request.platform,
          buildargs: request.buildArgs,
          labels: request.labels,
          ...(request.cacheFrom?.length
            ? { cachefrom: JSON.stringify(request.cacheFrom) }
            : {}),
          // The classic builder otherwise takes whatever image the engine
          // holds under a base's tag, even another platform's (a parallel
          // build of a multi-platform base leaves one there): pulling makes
          // it resolve the tag for this build's platform.
          pull: true,
          ...(request.pullAuth?.length
            ? { registryconfig: registryConfig(request.pullAuth) }
            : {}),
          nocache,
          rm: true,
          forcerm: true,
          abortSignal: signal,
        });
        const result = await readProgress(stream, m => log.handle(m), signal);
        log.flush();
        return result;
      } catch (e) {
        throw engineError('build', e, { endpoint: this.endpoint, steps });
      }
    });
    if (outcome.error) {
      throw new BuildFailedError(outcome.error, steps.location(outcome.error), {
        transient: isNetworkMessage(outcome.error),
      });
    }
    const id = outcome.aux
      .map(aux => aux.ID)
      .find((value): value is string => typeof value === 'string');
    return id ?? (await this.inspect(request.tag)).Id;
  }

  private async inspect(name: string): Promise<Dockerode.ImageInspectInfo> {
    try {
      return await this.docker.getImage(name).inspect();
    } catch (e) {
      throw engineError('build', e, { endpoint: this.endpoint });
    }
  }
}

/** The engine's X-Registry-Config: credentials by registry host. */
function registryConfig(auths: ImageFactoryPushAuth[]) {
  return Object.fromEntries(
    auths.map(a => [
      a.serveraddress,
      { username: a.username, password: a.password },
    ]),
  );
}
