import { RebuildPlan, RebuildPlanStore } from '../database';

/** Closes a plan as it was read (a newer version is left alone). */
export async function closePlan(
  plans: Pick<RebuildPlanStore, 'save'>,
  plan: RebuildPlan,
  state: 'done' | 'superseded',
  now: Date,
): Promise<void> {
  await plans.save(
    { ...plan, state, open: false, closedAt: now, updatedAt: now },
    { ifUpdatedAt: plan.updatedAt },
  );
}
