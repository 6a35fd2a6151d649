import { ImageFactoryBuildRequest } from '@image-factory/plugin-image-factory-node';
import { normalizeDockerfilePath, packBuildContext } from '../buildContext';
import { Engine, inspect } from '../classicBuild';
import { isNetworkMessage } from '../classifyError';
import { engineError } from '../engineError';
import { BuildFailedError } from '../errors';
import { ProgressLog } from '../progressLog';
import { EngineMessage, readProgress } from '../readProgress';
import { registryConfig } from '../registryConfig';
import { withDeadline } from '../withDeadline';
import { BuildKitProgress } from './BuildKitProgress';
import { openBuildSession } from './buildSession';

/** The network BuildKit's RUN steps get: the engine's default, the host's, or none. */
export type BuildNetwork = 'default' | 'host' | 'none';

/**
 * Builds one platform with the engine's BuildKit (`version=2` on the build
 * endpoint) and returns the image id. BuildKit sets the TARGET* and BUILD*
 * arguments itself, runs stages marked `FROM --platform=$BUILDPLATFORM`
 * natively and independent stages in parallel, and keeps `RUN
 * --mount=type=cache` directories on the engine between builds.
 */
export async function buildKitBuild(
  engine: Engine,
  request: ImageFactoryBuildRequest,
  network: Exclude<BuildNetwork, 'default'> | undefined,
): Promise<string> {
  const context = await packBuildContext(
    request.contextDir,
    request.dockerfile,
  );
  const progress = new BuildKitProgress(context.dockerfileText, line =>
    request.onLog?.(line),
  );
  const steps = { location: () => progress.failure() ?? {} };
  const log = new ProgressLog(line => request.onLog?.(line));
  const handle = (message: EngineMessage) => {
    if (message.id === 'moby.buildkit.trace') {
      if (typeof message.aux === 'string') progress.handleTrace(message.aux);
      return;
    }
    if (message.id === 'moby.image.id') return;
    log.handle(message);
  };
  const outcome = await withDeadline('build', request, async signal => {
    let session;
    try {
      // The session answers BuildKit's requests for registry credentials.
      session = await openBuildSession(
        engine.docker,
        [
          ...(request.pullAuth ?? []),
          ...(request.cacheFromAuth ? [request.cacheFromAuth] : []),
        ],
        signal,
      );
      const query = {
        version: '2',
        ...(session ? { session: session.id } : {}),
        t: request.tag,
        dockerfile: normalizeDockerfilePath(request.dockerfile),
        platform: request.platform,
        buildargs: {
          // Pushed images carry their cache metadata, so the next build on
          // any executor can reuse their layers through `cachefrom`.
          BUILDKIT_INLINE_CACHE: '1',
          ...request.buildArgs,
        },
        ...(request.labels ? { labels: request.labels } : {}),
        ...(request.cacheFrom?.length
          ? { cachefrom: JSON.stringify(request.cacheFrom) }
          : {}),
        pull: true,
        ...(network ? { networkmode: network } : {}),
      };
      // Not dockerode's buildImage: for version 2 it opens a session of its
      // own, which answers one set of credentials for every registry.
      const stream = await new Promise<NodeJS.ReadableStream>(
        (resolve, reject) =>
          engine.docker.modem.dial(
            {
              path: '/build?',
              method: 'POST',
              file: context.tar,
              options: query,
              ...(request.pullAuth?.length
                ? { registryconfig: registryConfig(request.pullAuth) }
                : {}),
              abortSignal: signal,
              isStream: true,
              statusCodes: { 200: true, 500: 'server error' },
            } as never,
            (err: unknown, data: unknown) =>
              err ? reject(err) : resolve(data as NodeJS.ReadableStream),
          ),
      );
      const result = await readProgress(stream, handle, signal);
      log.flush();
      return result;
    } catch (e) {
      throw engineError('build', e, { endpoint: engine.endpoint, steps });
    } finally {
      session?.close();
    }
  });
  if (outcome.error) {
    const failure = progress.failure();
    throw new BuildFailedError(outcome.error, failure ?? {}, {
      transient: isNetworkMessage(outcome.error),
    });
  }
  const id = outcome.aux
    .map(aux => aux.ID)
    .find((value): value is string => typeof value === 'string');
  return id ?? (await inspect(engine, request.tag)).Id;
}
