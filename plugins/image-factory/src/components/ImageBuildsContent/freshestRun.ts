import type { BuildRun } from '@image-factory/plugin-image-factory-common';
import { isActiveRun } from '../../hooks/useBuildRuns';

/** How far a run has come within one attempt. */
const progress = (run: BuildRun) => {
  if (!isActiveRun(run)) return 2;
  return run.status === 'running' ? 1 : 0;
};

/**
 * The freshest of several copies of one run (the live stream's, the list's,
 * the one "Build now" returned): a finished state wins, as it is final;
 * otherwise the later attempt, then running over queued. Ties go to the
 * first candidate.
 */
export function freshestRun(
  ...candidates: Array<BuildRun | undefined>
): BuildRun | undefined {
  let best: BuildRun | undefined;
  for (const run of candidates) {
    if (!run) continue;
    if (
      !best ||
      (isActiveRun(best) && !isActiveRun(run)) ||
      (isActiveRun(best) &&
        isActiveRun(run) &&
        (run.attempts > best.attempts ||
          (run.attempts === best.attempts && progress(run) > progress(best))))
    ) {
      best = run;
    }
  }
  return best;
}
