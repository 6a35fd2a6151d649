import { BuildPlatformResult } from '@image-factory/plugin-image-factory-common';
import { BuildRunEnd } from '../../database';
import { errorTypeOf } from '../errors';
import { mapLimit } from '../mapLimit';
import { Placement } from '../placement';
import { ActiveRun } from './activeRun';
import { recordPlatform } from './recordRun';

/** Every platform built, or the end of a run in which one failed. */
export type BuildEachOutcome<T> =
  | { ok: true; built: T[] }
  | { ok: false; end: BuildRunEnd };

/**
 * Step 3: runs `buildOne` for each placement, up to `parallelPlatforms` at
 * once. The first failing platform stops the others (recorded as cancelled,
 * "stopped because … failed"): the run fails anyway, with that platform's
 * error. Throws the run's abort reason when the run itself was aborted.
 */
export async function buildEach<T>(
  run: ActiveRun,
  placements: Placement[],
  buildOne: (placement: Placement, signal: AbortSignal) => Promise<T>,
): Promise<BuildEachOutcome<T>> {
  const { signal, log } = run.ctx;
  const failFast = new AbortController();
  const platformSignal = AbortSignal.any([signal, failFast.signal]);
  let firstFailure: { platform: string; error: Error } | undefined;
  const outcomes = await mapLimit(
    placements,
    run.deps.config.parallelPlatforms,
    async placement => {
      try {
        return { built: await buildOne(placement, platformSignal) };
      } catch (e) {
        const error = e as Error;
        const stopped = platformSignal.aborted && !signal.aborted;
        const failed: BuildPlatformResult = {
          platform: placement.platform,
          status: stopped && firstFailure ? 'cancelled' : 'failed',
          executor: placement.executor,
          emulated: placement.emulated,
          error:
            stopped && firstFailure
              ? `stopped because ${firstFailure.platform} failed`
              : error.message,
        };
        if (!firstFailure && !signal.aborted) {
          firstFailure = { platform: placement.platform, error };
          failFast.abort();
        }
        log.system(
          `${placement.platform} ${failed.status}: ${failed.error}`,
          placement.platform,
        );
        await recordPlatform(run, failed);
        return undefined;
      }
    },
  );
  if (signal.aborted) throw signal.reason ?? new Error('aborted');
  if (firstFailure) {
    return {
      ok: false,
      end: {
        status: 'failed',
        reason: `${firstFailure.platform}: ${firstFailure.error.message}`,
        errorType: errorTypeOf(firstFailure.error),
      },
    };
  }
  return { ok: true, built: outcomes.map(o => o!.built) };
}
