import {
  ImageFactoryExecutor,
  ImageFactoryPushResult,
} from '@image-factory/plugin-image-factory-node';
import { describeEngineLine } from '../digestLogLines';
import { withRetries } from '../retry';
import { engineAuth } from '../RunRegistryAccess';
import { ActiveRun, retryOptions } from './activeRun';

/**
 * Step 4a: pushes what {@link buildPlatform} built from the executor's
 * engine, with the registry's credentials (refreshed once when refused),
 * retrying transient failures.
 */
export function pushPlatform(
  run: ActiveRun,
  executor: ImageFactoryExecutor,
  options: { platform: string; tag: string; signal: AbortSignal },
): Promise<ImageFactoryPushResult> {
  const { platform, tag, signal } = options;
  const host = run.image.spec.registry;
  return run.registry.withAuth(host, platform, credentials =>
    withRetries(
      () =>
        executor.push({
          tag,
          auth: engineAuth(host, credentials),
          onLog: line => run.ctx.log.push(platform, describeEngineLine(line)),
          signal,
          timeoutMs: run.deps.config.pushTimeoutMs,
        }),
      retryOptions(run, `Pushing ${platform}`, signal, platform),
    ),
  );
}
