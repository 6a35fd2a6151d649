import { LoggerService } from '@backstage/backend-plugin-api';
import { BuildStore, RebuildPlan, RebuildPlanStore } from '../database';
import { DueTrigger } from './BuildTriggers';
import { closePlan } from './closePlan';
import { PlanQueueing } from './PlanQueueing';

const ENDED_OK = new Set(['succeeded', 'skipped']);
const ENDED_BAD = new Set(['failed', 'cancelled']);

/** What settling a plan's run leaves to do. */
export type SettledRun =
  /** Nothing more this pass: the plan as it stands (or none). */
  | { done: true; plan: RebuildPlan | undefined }
  /** Plan on with this plan (none once its run succeeded), saved as of `ifUpdatedAt`. */
  | { done: false; plan: RebuildPlan | undefined; ifUpdatedAt?: Date };

/**
 * Settles the run of a queued plan: a run that succeeded (or is gone) closes
 * the plan, unless the plan is an emergency that joined a run started
 * before it (queued again); one that failed blocks it and its cascade,
 * unless images.yaml asks for the build again; one still going leaves the
 * plan as it is.
 */
export async function settlePlanRun(
  context: {
    builds: Pick<BuildStore, 'get'>;
    plans: Pick<RebuildPlanStore, 'save'>;
    logger: LoggerService;
    queueing: Pick<PlanQueueing, 'audit'>;
  },
  input: {
    /** The image's name, for the log. */
    name: string;
    plan: RebuildPlan | undefined;
    ifUpdatedAt?: Date;
    now: Date;
    trigger?: DueTrigger;
  },
): Promise<SettledRun> {
  const { builds, plans, logger, queueing } = context;
  const { plan, now, trigger } = input;
  if (!plan?.runId) {
    return { done: false, plan, ifUpdatedAt: input.ifUpdatedAt };
  }
  const { name } = input;
  const run = await builds.get(plan.runId);
  if (
    run &&
    ENDED_OK.has(run.status) &&
    plan.cause === 'emergency' &&
    run.startedAt &&
    Date.parse(run.startedAt) < plan.eligibleAt.getTime()
  ) {
    // The emergency joined a run already building: it built the source and
    // bases from before the fix. The plan is queued again, as an emergency.
    const joined = plan.runId;
    delete plan.runId;
    plan.state = 'waiting-delay';
    plan.updatedAt = now;
    if (!(await plans.save(plan, { ifUpdatedAt: input.ifUpdatedAt }))) {
      return { done: true, plan: undefined };
    }
    logger.info(
      'Emergency rebuild joined a run started before it; queued again',
      {
        image: name,
        runId: joined,
      },
    );
    await queueing.audit(
      plan,
      'emergency-requeued',
      `run ${joined} started before the emergency was asked; a new run builds it`,
      now,
      [joined],
    );
    return { done: false, plan, ifUpdatedAt: plan.updatedAt };
  }
  if (!run || ENDED_OK.has(run.status)) {
    await closePlan(plans, plan, 'done', now);
    logger.info('Rebuild finished', {
      image: name,
      runId: plan.runId,
      status: run?.status ?? 'gone',
    });
    return { done: false, plan: undefined, ifUpdatedAt: input.ifUpdatedAt };
  }
  if (!ENDED_BAD.has(run.status)) return { done: true, plan };
  plan.failedRunId = plan.runId;
  delete plan.runId;
  plan.state = 'blocked';
  plan.blockedReason = `the rebuild failed: run ${run.id} ${run.status}${
    run.reason ? `: ${run.reason}` : ''
  }`;
  plan.updatedAt = now;
  if (!(await plans.save(plan, { ifUpdatedAt: input.ifUpdatedAt }))) {
    return { done: true, plan: undefined };
  }
  logger.warn('Rebuild failed; its cascade is blocked', {
    image: name,
    runId: run.id,
    reason: run.reason,
  });
  await queueing.audit(plan, 'rebuild-blocked', plan.blockedReason, now, [
    run.id,
  ]);
  // A new images.yaml config is worth another try at once.
  if (!trigger) return { done: true, plan };
  return { done: false, plan, ifUpdatedAt: plan.updatedAt };
}
