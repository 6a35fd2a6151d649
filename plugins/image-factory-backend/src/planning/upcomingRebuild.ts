import { UpcomingRebuild } from '@image-factory/plugin-image-factory-common';
import { PlannedReason, RebuildPlan } from '../database';

const short = (digest?: string) =>
  digest ? digest.replace(/^sha256:/, '').slice(0, 12) : 'unknown';

const before = (reason: PlannedReason) =>
  reason.notFoundBefore ? 'not found' : short(reason.oldDigest);

/** `<base> <old> → <new>` per reason, as the run's cause detail. */
export function describeReasons(reasons: PlannedReason[]): string {
  return reasons
    .map(r => `${r.baseReference} ${before(r)} → ${short(r.newDigest)}`)
    .join('; ');
}

/** The API's view of an open plan. */
export function toUpcomingRebuild(plan: RebuildPlan): UpcomingRebuild {
  return {
    imageName: plan.imageName,
    entityRef: plan.entityRef,
    cause: plan.cause,
    ...(plan.causeDetail ? { causeDetail: plan.causeDetail } : {}),
    reasons: plan.reasons.map(({ kind: _kind, ...reason }) => reason),
    platforms: plan.platforms,
    state: plan.state as UpcomingRebuild['state'],
    eligibleAt: plan.eligibleAt.toISOString(),
    ...(plan.quietUntil ? { quietUntil: plan.quietUntil.toISOString() } : {}),
    ...(plan.maxWaitUntil
      ? { maxWaitUntil: plan.maxWaitUntil.toISOString() }
      : {}),
    ...(plan.waitingFor?.length ? { waitingFor: plan.waitingFor } : {}),
    ...(plan.blockedReason ? { blockedReason: plan.blockedReason } : {}),
    ...(plan.runId ? { runId: plan.runId } : {}),
  };
}
