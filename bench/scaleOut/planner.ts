import { computeTiming } from '../../plugins/image-factory-backend/src/planning/timing';
import { Organisation } from './organisation';
import { ScenarioParams } from './params';
import { ImageState, Plan, Run } from './state';
import { Tracking } from './tracking';

/** What the planner needs from the simulation. */
export interface PlannerHost {
  org: Organisation;
  params: ScenarioParams;
  tracking: Tracking;
  state: ImageState[];
  /** Queues a run for the plan, or joins the image's active run. */
  queuePlan(image: number, plan: Plan, now: number): void;
  /** An emergency plan is closed by its run. */
  emergencyDone(image: number, plan: Plan, run: Run): void;
  /** Whether an emergency plan whose run ended is queued again (its run started before it was asked). */
  requeueEmergency(plan: Plan, run: Run): boolean;
}

/**
 * One RebuildPlanner pass over the images that may have something to do
 * (a base seen with a new digest, a golden image rebuilt, an open plan), in
 * dependency order, golden images first. It follows the engine: a plan's run
 * is settled first; the changes are the tracked digests newer than what the
 * last successful run recorded, and newer builds of the golden image; an
 * image waits while its golden image has an open plan or an active run;
 * otherwise computeTiming (the engine's own function) says when it goes:
 * its delay after each new digest was first seen, a quiet coalescing window,
 * at the latest the maximum wait. Emergencies skip delay and quiet time; in
 * the current engine (2dddaa2) an emergency whose run started before it was
 * asked is queued again when that run ends, instead of being closed by it.
 * Returns the number of open plans it looked at (for the database meter).
 */
export function plannerPass(
  host: PlannerHost,
  candidates: number[],
  /** Candidates with news since the last pass; the others only wait for their time. */
  news: Set<number>,
  now: number,
  dirty: Set<number>,
  planned: Set<number>,
): { plans: number; withRun: number } {
  const { org, params, tracking, state } = host;
  let plans = 0;
  let withRun = 0;
  for (const id of candidates) {
    const image = org.images[id];
    const st = state[id];
    let plan = st.plan;
    if (plan) plans++;
    // Nothing new and its time not come: the engine computes the same timing again.
    if (plan?.readyAt !== undefined && !news.has(id) && plan.readyAt > now) {
      continue;
    }
    if (plan?.run) {
      withRun++;
      const run = plan.run;
      if (run.status !== 'succeeded') continue;
      if (plan.cause === 'emergency' && host.requeueEmergency(plan, run)) {
        plan.run = undefined; // planned again below, as an emergency
      } else {
        // Settled: the plan is done; the next pass looks at the image afresh.
        if (plan.cause === 'emergency') host.emergencyDone(id, plan, run);
        st.plan = undefined;
        planned.delete(id);
        dirty.add(id);
        continue;
      }
    }
    const firstSeen: Date[] = [];
    for (const b of image.bases) {
      const seen = tracking.seen(b);
      if (seen > (st.recorded.get(b) ?? 0)) {
        firstSeen.push(new Date(tracking.firstSeen[b].get(seen)! * 1000));
      }
    }
    const upstream =
      image.upstream === undefined ? undefined : state[image.upstream];
    const upstreamPushed =
      upstream && upstream.lastSuccessId !== st.recordedUpstreamRun
        ? [new Date(upstream.lastSuccessAt * 1000)]
        : [];
    const changed = firstSeen.length + upstreamPushed.length > 0;
    if (!plan && !changed) continue;
    if (plan && plan.cause === 'base-change' && !changed) {
      st.plan = undefined; // superseded: the base went back, or a run used it
      planned.delete(id);
      continue;
    }
    if (!plan) {
      plan = { cause: 'base-change', createdAt: now };
      st.plan = plan;
      planned.add(id);
    }
    if (upstream && (upstream.plan || upstream.active)) continue; // waiting-upstream
    let ready: boolean;
    if (plan.cause === 'emergency') {
      ready = true;
    } else {
      const timing = computeTiming({
        firstSeen,
        upstreamPushed,
        delayMs: params.delayHours * 3_600_000,
        coalesceMs: params.coalesceMinutes * 60_000,
        maxWaitMs: params.maxWaitMinutes * 60_000,
        previousMaxWaitUntil: plan.maxWaitUntil,
        now: new Date(now * 1000),
      });
      plan.maxWaitUntil = timing.maxWaitUntil;
      plan.readyAt = timing.readyAt.getTime() / 1000;
      ready = plan.readyAt <= now;
    }
    if (ready) host.queuePlan(id, plan, now);
  }
  return { plans, withRun };
}
