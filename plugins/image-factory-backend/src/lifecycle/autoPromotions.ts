import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { StageMoveRecord, StageStateRecord } from '../database';
import { StagePolicy } from './stagePolicies';

/** A promotion a stage's `auto` policy asks for. */
export interface AutoPromotion {
  stage: string;
  digest: string;
  /** The run that built the digest. */
  run?: BuildRun;
  reason: string;
}

/**
 * The promotions the `auto` stages of an image ask for now: the first stage
 * takes the newest successful build, a later one what the stage before
 * holds once it soaked there (an emergency build skips the soak). Only
 * what is newer than the stage's last change counts, so that a person's
 * promotion or rollback is not undone. A stage
 * takes a digest it never held and whose move never failed or was rejected
 * (a failed verification is not retried on its own, and a rollback is not
 * undone), never while another move of it is under way, and a manual
 * ("Build now") build goes no further than the first stage.
 */
export function autoPromotions(input: {
  stages: StagePolicy[];
  states: StageStateRecord[];
  /** Newest first. */
  runs: BuildRun[];
  /** The image's recent moves, any order. */
  moves: StageMoveRecord[];
  now: Date;
}): AutoPromotion[] {
  const { stages, states, runs, moves, now } = input;
  const wanted: AutoPromotion[] = [];
  const held = (stage: string) => states.find(s => s.stage === stage);
  for (const stage of stages) {
    if (stage.promotion !== 'auto') continue;
    let candidate: AutoPromotion | undefined;
    const changedAt = held(stage.name)?.updatedAt.getTime() ?? -Infinity;
    if (stage.index === 0) {
      const run = runs.find(r => r.status === 'succeeded' && r.indexDigest);
      const builtAt =
        run && new Date(run.finishedAt ?? run.createdAt).getTime();
      if (run?.indexDigest && builtAt! > changedAt) {
        candidate = {
          stage: stage.name,
          digest: run.indexDigest,
          run,
          reason: `auto: built by run ${run.id} (${run.cause})`,
        };
      }
    } else {
      const before = stages[stage.index - 1];
      const state = held(before.name);
      if (!state || state.updatedAt.getTime() <= changedAt) continue;
      const run = runs.find(r => r.indexDigest === state.digest);
      if (run?.cause === 'manual') continue;
      const soakedAt = state.updatedAt.getTime() + stage.soakMs;
      const emergency = run?.cause === 'emergency';
      if (soakedAt > now.getTime() && !emergency) continue;
      candidate = {
        stage: stage.name,
        digest: state.digest,
        run,
        reason:
          emergency && soakedAt > now.getTime()
            ? `auto: emergency build ${run!.id}; soak of ${stage.name} skipped`
            : `auto: held by ${
                before.name
              } since ${state.updatedAt.toISOString()}`,
      };
    }
    if (!candidate || held(stage.name)?.digest === candidate.digest) continue;
    const ofStage = moves.filter(m => m.stage === stage.name);
    const busy = ofStage.some(
      m => m.status === 'waiting' || m.status === 'pending',
    );
    const triedBefore = ofStage.some(
      m =>
        m.toDigest === candidate!.digest &&
        (m.status === 'done' ||
          m.status === 'failed' ||
          m.status === 'rejected'),
    );
    if (!busy && !triedBefore) wanted.push(candidate);
  }
  return wanted;
}
