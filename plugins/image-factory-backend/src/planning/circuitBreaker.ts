import {
  BuildRunRecord,
  BuildStore,
  PlannedReason,
  RebuildPlan,
  RebuildPlanStore,
} from '../database';
import { DueTrigger } from './BuildTriggers';
import { closePlan } from './closePlan';

/**
 * The circuit breaker: a plan whose rebuild failed stays blocked until
 * something new happens. A later successful build closes it; a new digest,
 * a new upstream build or an images.yaml trigger unblocks it; nothing new
 * leaves it as it is (`hold`).
 */
export async function applyCircuitBreaker(
  context: {
    builds: Pick<BuildStore, 'get'>;
    plans: Pick<RebuildPlanStore, 'save'>;
  },
  input: {
    plan: RebuildPlan | undefined;
    lastBuild: BuildRunRecord | undefined;
    trigger?: DueTrigger;
    reasons: PlannedReason[];
    now: Date;
  },
): Promise<{ hold: boolean; plan: RebuildPlan | undefined }> {
  const { plan, lastBuild, trigger, now } = input;
  if (!plan?.failedRunId) return { hold: false, plan };
  const failedRun = await context.builds.get(plan.failedRunId);
  const fixed =
    lastBuild?.finishedAt &&
    failedRun?.finishedAt &&
    lastBuild.finishedAt > failedRun.finishedAt;
  const known = new Set(plan.reasons.map(r => r.newDigest));
  const news = !!trigger || input.reasons.some(r => !known.has(r.newDigest));
  if (fixed) {
    await closePlan(context.plans, plan, 'superseded', now);
    return { hold: false, plan: undefined };
  }
  if (!news) return { hold: true, plan };
  delete plan.failedRunId;
  delete plan.blockedReason;
  if (!trigger && plan.cause !== 'emergency') {
    // Tried again because a base changed, whatever it was first for.
    plan.cause = 'base-change';
    delete plan.causeDetail;
  }
  return { hold: false, plan };
}
