import {
  ImageFactoryBuildAndPushResult,
  ImageFactoryBuildRequest,
  ImageFactorySelfPushingExecutor,
} from '@image-factory/plugin-image-factory-node';
import { withRetries } from '../retry';
import { engineAuth } from '../RunRegistryAccess';
import { ActiveRun, retryOptions } from './activeRun';

/**
 * Steps 3b and 4b: an executor that builds and pushes itself gets the tag to
 * push to and the registry's credentials (refreshed once when refused), and
 * returns the pushed manifest's digest; transient failures are retried. The
 * run checks that digest with {@link verifyPushedManifest}. The call may take
 * as long as a build and a push together.
 */
export function buildAndPushPlatform(
  run: ActiveRun,
  executor: ImageFactorySelfPushingExecutor,
  request: ImageFactoryBuildRequest,
): Promise<ImageFactoryBuildAndPushResult> {
  const { platform, signal } = request;
  const host = run.image.spec.registry;
  return run.registry.withAuth(host, platform, credentials =>
    withRetries(() => {
      const pushAuth = engineAuth(host, credentials);
      return executor.buildAndPush({
        ...request,
        ...(pushAuth ? { pushAuth } : {}),
        // One call does both: it may take as long as a build and a push.
        timeoutMs:
          run.deps.config.buildTimeoutMs + run.deps.config.pushTimeoutMs,
      });
    }, retryOptions(run, `Building and pushing ${platform}`, signal!, platform)),
  );
}
