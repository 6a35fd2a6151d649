import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { BuildRunRecord, BuildStore } from '../../database';
import { BuildsConfig } from '../readBuildsConfig';
import { RetryOptions } from '../retry';
import { BuildRunContext } from '../runContext';
import { RunRegistryAccess } from '../RunRegistryAccess';

/** What every step of a run may use, the same for all runs. */
export interface RunStepDeps {
  store: BuildStore;
  config: Pick<
    BuildsConfig,
    | 'parallelPlatforms'
    | 'retries'
    | 'retryBackoffMs'
    | 'buildTimeoutMs'
    | 'pushTimeoutMs'
    | 'retentionKeep'
  >;
  clock: () => Date;
  /** Told when the run's record changed (inputs, platform states). */
  onChange: (runId: string) => void;
}

/** One run as its steps see it: the record, its image, the worker's context and the registry access. */
export interface ActiveRun {
  record: BuildRunRecord;
  image: ImageEntityV1alpha1;
  ctx: BuildRunContext;
  registry: RunRegistryAccess;
  deps: RunStepDeps;
}

/** `registry/repository:tag` of the run's image. */
export function referenceOf(image: ImageEntityV1alpha1): string {
  const { spec } = image;
  return `${spec.registry}/${spec.repository}:${spec.tag ?? 'latest'}`;
}

/** Retries as configured, each retry logged in the run's log (on the platform's lines when given). */
export function retryOptions(
  run: Pick<ActiveRun, 'ctx' | 'deps'>,
  what: string,
  signal: AbortSignal,
  platform?: string,
): RetryOptions {
  const { retries, retryBackoffMs } = run.deps.config;
  return {
    retries,
    backoffMs: retryBackoffMs,
    signal,
    onRetry: (error, retry, delayMs) =>
      run.ctx.log.system(
        `${what} failed (${error.message}); retry ${retry} of ${retries} in ${
          Math.round(delayMs / 100) / 10
        } s`,
        platform,
      ),
  };
}
