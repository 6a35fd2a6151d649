import {
  ImageFactoryBuildRequest,
  ImageFactoryBuildResult,
  ImageFactoryExecutor,
} from '@image-factory/plugin-image-factory-node';
import { withRetries } from '../retry';
import { ActiveRun, retryOptions } from './activeRun';

/**
 * Step 3a: builds one platform on an executor that builds into its engine,
 * retrying transient failures. The image stays in the engine under
 * `request.tag` for {@link pushPlatform}.
 */
export function buildPlatform(
  run: ActiveRun,
  executor: ImageFactoryExecutor,
  request: ImageFactoryBuildRequest,
): Promise<ImageFactoryBuildResult> {
  const { platform, signal } = request;
  return withRetries(
    () =>
      executor.buildPlatform({
        ...request,
        timeoutMs: run.deps.config.buildTimeoutMs,
      }),
    retryOptions(run, `Building ${platform}`, signal!, platform),
  );
}
