import { ImageFactoryBuildRequest } from '@image-factory/plugin-image-factory-node';
import Dockerode from 'dockerode';
import { normalizeDockerfilePath, packBuildContext } from './buildContext';
import { isNetworkMessage } from './classifyError';
import { engineError } from './engineError';
import { BuildFailedError } from './errors';
import { automaticPlatformArgs } from './platformArgs';
import { ProgressLog, StepTracker } from './progressLog';
import { readProgress } from './readProgress';
import { createRedactor } from './redact';
import { registryConfig } from './registryConfig';
import { withDeadline } from './withDeadline';

const PLATFORM_MISMATCH = /does not match the specified platform/;

/** The engine a build runs on. */
export interface Engine {
  docker: Dockerode;
  /** For messages: `unix:///var/run/docker.sock`. */
  endpoint: string;
  /** The engine's own platform (`linux/amd64`): BuildKit's BUILDPLATFORM. */
  platform: string;
}

/**
 * Builds one platform with the engine's classic builder and returns the image
 * id. Its cache does not compare platforms: after FROM scratch, a step can
 * come back from the cache as another platform's image, which then either
 * fails the next step or ends as the result. A second build without cache
 * gets it right.
 */
export async function classicBuild(
  engine: Engine,
  request: ImageFactoryBuildRequest,
): Promise<string> {
  const { platform } = request;
  const [os, arch] = platform.split('/');
  await pullCacheImages(engine, request);
  try {
    const imageId = await runClassicBuild(engine, request, false);
    const image = await inspect(engine, imageId);
    if (image.Architecture === arch && image.Os === os) return imageId;
    request.onLog?.(
      `The engine's cache gave a ${image.Os}/${image.Architecture} image for ${platform}; building again without cache`,
    );
  } catch (e) {
    if (
      !(
        e instanceof BuildFailedError && PLATFORM_MISMATCH.test(e.engineMessage)
      )
    ) {
      throw e;
    }
    request.onLog?.(
      `The engine's cache gave an image of another platform than ${platform}; building again without cache`,
    );
  }
  try {
    return await runClassicBuild(engine, request, true);
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
}

/**
 * The classic builder reuses layers only of images the engine holds: an
 * earlier image that another engine built (or that was removed here) is
 * pulled first. One that cannot be pulled (the first build) is left out.
 */
async function pullCacheImages(
  engine: Engine,
  request: ImageFactoryBuildRequest,
) {
  for (const image of request.cacheFrom ?? []) {
    if (await holds(engine, image)) continue;
    const redact = createRedactor(
      request.cacheFromAuth?.password,
      request.cacheFromAuth?.username,
    );
    try {
      await withDeadline('build', request, async signal => {
        const stream = await engine.docker.pull(image, {
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

async function holds(engine: Engine, image: string): Promise<boolean> {
  try {
    await engine.docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

async function runClassicBuild(
  engine: Engine,
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
      const stream = await engine.docker.buildImage(context.tar, {
        t: request.tag,
        dockerfile: normalizeDockerfilePath(request.dockerfile),
        platform: request.platform,
        buildargs: {
          ...automaticPlatformArgs(
            context.dockerfileText,
            request.platform,
            engine.platform,
          ),
          ...request.buildArgs,
        },
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
      throw engineError('build', e, { endpoint: engine.endpoint, steps });
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
  return id ?? (await inspect(engine, request.tag)).Id;
}

/** The image's configuration on the engine. */
export async function inspect(
  engine: Engine,
  name: string,
): Promise<Dockerode.ImageInspectInfo> {
  try {
    return await engine.docker.getImage(name).inspect();
  } catch (e) {
    throw engineError('build', e, { endpoint: engine.endpoint });
  }
}
