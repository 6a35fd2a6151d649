import { assertError } from '@backstage/errors';
import {
  ImageEntityV1alpha1,
  UpcomingRebuild,
} from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import { BuildRunRecord, RebuildPlan } from '../database';
import { applyCircuitBreaker } from './circuitBreaker';
import {
  changesSinceLastBuild,
  LAST_ATTEMPT_RUNS,
} from './changesSinceLastBuild';
import { closePlan } from './closePlan';
import { PassContext, passContext, withDependents } from './passContext';
import { createPassReads, PassReads } from './passReads';
import { DEFAULT_FULL_PASS_INTERVAL_MS, PassScope } from './PassScope';
import { PlanQueueing } from './PlanQueueing';
import { planTiming } from './planTiming';
import { upstreamState } from './upstreamState';
import { DueTrigger } from './BuildTriggers';
import { affectedPlatforms, mergeReasons } from './reasons';
import { settlePlanRun } from './settlePlanRun';
import { PlannerGraph } from './types';
import { describeReasons, toUpcomingRebuild } from './upcomingRebuild';
import { RebuildPlannerOptions } from './rebuildPlannerOptions';

export type { RebuildPlannerOptions } from './rebuildPlannerOptions';

/**
 * Plans rebuilds when bases change, and queues them when their policy allows:
 * after the image's delay (from the new digests' first-seen times), once the
 * bases went quiet (or at the maximum wait), in dependency order (an image
 * FROM a factory-built image waits for that image's new build, or its first
 * one), never past a failed upstream build or the depth cap. It also plans
 * the builds images.yaml asks for (first sight, config change, schedule),
 * which go at once, in the same dependency order. One pass per call; state
 * lives in the database, so any backend may run the next pass.
 *
 * A pass follows the change (see {@link PassScope}): it plans the images
 * with an open plan, those whose bases have new digests, those with a run
 * created or ended since the last pass, those whose schedule is due, and
 * every image built FROM one of them; the others, whose plan a full pass
 * would leave as it is, are not read. A new planner, a change of images.yaml
 * or of the graph, and the hourly full pass plan every image.
 */
export class RebuildPlanner {
  private readonly clock: () => Date;
  private readonly queueing: PlanQueueing;
  private readonly scope: PassScope;
  private context?: PassContext;

  constructor(private readonly options: RebuildPlannerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.queueing = new PlanQueueing(options);
    this.scope = new PassScope({
      digests: options.digests,
      builds: options.builds,
      fullPassIntervalMs:
        options.fullPassIntervalMs ?? DEFAULT_FULL_PASS_INTERVAL_MS,
    });
  }

  /** Open plans, soonest first. */
  async upcoming(): Promise<UpcomingRebuild[]> {
    return this.sorted(await this.options.plans.listOpen());
  }

  private sorted(plans: RebuildPlan[]): UpcomingRebuild[] {
    return plans
      .sort(
        (a, b) =>
          a.eligibleAt.getTime() - b.eligibleAt.getTime() ||
          a.imageName.localeCompare(b.imageName),
      )
      .map(toUpcomingRebuild);
  }

  /** One planning pass: updates the plans of what changed, queues the due ones; returns the open plans. */
  async runOnce(): Promise<UpcomingRebuild[]> {
    const now = this.clock();
    const snapshot = await this.options.graph();
    const { context, changed } = passContext(
      this.context,
      this.options.images(),
      snapshot,
    );
    this.context = context;
    const { byRef, cycleOf, upstreamOf, order } = context;
    const open = new Map(
      (await this.options.plans.listOpen()).map(p => [p.imageName, p]),
    );
    const scope = await this.scope.scope({
      context,
      contextChanged: changed,
      open: open.keys(),
      now,
    });
    const triggers =
      (await this.options.triggers?.collect(
        byRef,
        now,
        scope.full ? undefined : scope.seeds,
      )) ?? new Map<string, DueTrigger>();
    // An image whose Dockerfile has not been read yet may be built FROM an
    // image that has never been built: its first build waits for a pass
    // that knows its bases.
    for (const entityRef of [...triggers.keys()]) {
      if (snapshot.basesKnown?.(entityRef) === false)
        triggers.delete(entityRef);
    }
    const planned = scope.full
      ? order
      : (() => {
          const affected = withDependents(context, [
            ...scope.seeds,
            ...triggers.keys(),
          ]);
          return order.filter(e => affected.has(e));
        })();

    // The last builds of the planned images and of the images they are
    // built FROM, and the latest runs of those never built: batched reads.
    const read = new Set(planned);
    for (const entityRef of planned)
      upstreamOf(entityRef).forEach(u => read.add(u));
    const nameOf = (entityRef: string) => byRef.get(entityRef)!.metadata.name;
    const succeeded = await this.options.builds.lastSucceededOf(
      [...read].map(nameOf),
    );
    const lastBuilds = new Map<string, BuildRunRecord | undefined>(
      [...read].map(e => [e, succeeded.get(nameOf(e))]),
    );
    const recent = await this.options.builds.latestOf(
      planned.filter(e => !lastBuilds.get(e)).map(nameOf),
      LAST_ATTEMPT_RUNS,
    );
    const passReads = createPassReads({
      digests: scope.digests,
      recent,
      plans: this.options.plans,
      byRef,
    });

    for (const [name, plan] of open) {
      // The image left images.yaml or stopped being built by the factory.
      if (!context.managedNames.has(name)) {
        await closePlan(this.options.plans, plan, 'superseded', now);
      }
    }
    const status = new Map<string, RebuildPlan>();
    for (const entityRef of planned) {
      const image = byRef.get(entityRef)!;
      const plan = await this.planImageSafely({
        image,
        entityRef,
        plan: open.get(image.metadata.name),
        now,
        snapshot,
        cycle: cycleOf.get(entityRef),
        upstream: upstreamOf(entityRef),
        status,
        lastBuilds,
        trigger: triggers.get(entityRef),
        passReads,
      });
      if (plan) status.set(entityRef, plan);
    }
    const after = await this.options.plans.listOpen();
    this.scope.ended(after.map(p => p.imageName));
    return this.sorted(after);
  }

  /** One image's failure (e.g. a plan created meanwhile) does not stop the pass. */
  private async planImageSafely(
    input: Parameters<RebuildPlanner['planImage']>[0],
  ): Promise<RebuildPlan | undefined> {
    try {
      return await this.planImage(input);
    } catch (e) {
      assertError(e);
      this.options.logger.warn('Could not plan the rebuild of an image', {
        image: input.image.metadata.name,
        error: `${e.name}: ${e.message}`,
      });
      this.scope.failed(input.entityRef);
      return undefined;
    }
  }

  /**
   * One image's plan, step by step: settle its run, see what changed since
   * its last build, apply the circuit breaker, see where its upstream images
   * stand, then time it and queue it when due.
   */
  private async planImage(input: {
    image: ImageEntityV1alpha1;
    entityRef: string;
    plan: RebuildPlan | undefined;
    now: Date;
    snapshot: PlannerGraph;
    cycle?: string[];
    upstream: string[];
    status: Map<string, RebuildPlan>;
    lastBuilds: Map<string, BuildRunRecord | undefined>;
    trigger?: DueTrigger;
    passReads: PassReads;
  }): Promise<RebuildPlan | undefined> {
    const { image, entityRef, now, snapshot, status, lastBuilds, trigger } =
      input;
    const { plans, logger } = this.options;
    const name = image.metadata.name;

    // 1. Settle the plan's run. What the plan was when read: a pass never
    // overwrites a newer version.
    const settled = await settlePlanRun(
      { ...this.options, queueing: this.queueing },
      {
        name,
        plan: input.plan,
        ifUpdatedAt: input.plan?.updatedAt,
        now,
        trigger,
      },
    );
    if (settled.done) return settled.plan;
    let plan = settled.plan;
    const ifUpdatedAt = settled.ifUpdatedAt;

    // 2. What changed since the image's last successful build.
    const { passReads } = input;
    const { lastBuild, external, fromUpstream } = await changesSinceLastBuild(
      passReads,
      {
        image,
        entityRef,
        snapshot,
        upstream: input.upstream,
        byRef: passReads.byRef,
        lastBuilds,
        lastRuns: passReads.lastRuns,
      },
    );

    // 3. The circuit breaker: a failed plan stays blocked until something new.
    const breaker = await applyCircuitBreaker(this.options, {
      plan,
      lastBuild,
      trigger,
      reasons: [...external, ...fromUpstream],
      now,
    });
    if (breaker.hold) return breaker.plan;
    plan = breaker.plan;

    // 4. Where its upstream images stand.
    const upstream = upstreamState(input.upstream, status, lastBuilds);
    const { waitingFor, inherited, upstreamEligible, depth, unbuilt } =
      upstream;
    let blockedReason = input.cycle
      ? `dependency cycle: ${input.cycle.join(' → ')}`
      : upstream.blockedReason;
    const cascading = waitingFor.length > 0 || !!blockedReason;
    const emergency = plan?.cause === 'emergency';
    if (
      !plan &&
      !trigger &&
      external.length === 0 &&
      fromUpstream.length === 0
    ) {
      if (!cascading || input.cycle) return undefined;
    }
    if (
      plan &&
      plan.cause === 'base-change' &&
      !trigger &&
      external.length === 0 &&
      fromUpstream.length === 0 &&
      !cascading
    ) {
      // The base went back, or a build of another cause already used it.
      await closePlan(plans, plan, 'superseded', now);
      return undefined;
    }

    waitingFor.push(...unbuilt);
    const kept = (plan?.reasons ?? []).filter(r => r.kind !== 'external');
    const reasons = mergeReasons(kept, inherited, fromUpstream, external);
    const fresh = !plan;
    plan ??= {
      id: randomUUID(),
      imageName: name,
      entityRef,
      cause: 'base-change',
      state: 'waiting-delay',
      open: true,
      reasons: [],
      platforms: [],
      eligibleAt: now,
      depth,
      createdAt: now,
      updatedAt: now,
    };
    if (trigger && !emergency) {
      plan.cause = trigger.cause;
      plan.causeDetail = trigger.detail;
    }
    // Asked for as such (an emergency, or by images.yaml), not by a base
    // change; or the image's first successful build, which a base that has
    // just appeared makes possible: no build of it runs anywhere yet, so
    // there is nothing to wait or coalesce for.
    const own = plan.cause !== 'base-change' || !lastBuild;
    const isNew = fresh || (plan.reasons.length === 0 && !own);
    plan.reasons = reasons;
    plan.platforms = own
      ? image.spec.platforms
      : affectedPlatforms(image, entityRef, reasons, snapshot);
    plan.depth = emergency ? Math.max(plan.depth, depth) : depth;
    plan.updatedAt = now;
    if (depth > this.options.maxDepth) {
      blockedReason ??= `beyond the cascade depth cap of ${this.options.maxDepth}`;
    }

    // 5. Timing.
    const policy = image.spec.rebuild ?? {};
    const timing = planTiming(plan, {
      image,
      own,
      emergency,
      external,
      fromUpstream,
      upstreamDue: waitingFor.length > 0 ? upstreamEligible : [],
      isNew,
      maxWaitMs: this.options.maxWaitMs,
      now,
    });
    plan.waitingFor = waitingFor;
    if (blockedReason) plan.blockedReason = blockedReason;
    else delete plan.blockedReason;

    const previousState = plan.state;
    if (blockedReason) plan.state = 'blocked';
    else if (waitingFor.length > 0) plan.state = 'waiting-upstream';
    else if (!own && policy.auto === false) plan.state = 'manual';
    else if (now < timing.readyAt) {
      plan.state = now < timing.eligibleAt ? 'waiting-delay' : 'coalescing';
    } else {
      await this.queueing.queue(plan, image, now);
    }
    // A new plan is inserted (the open-plan index refuses a second one); a
    // read one is replaced only while it is as it was read.
    if (!(await plans.save(plan, fresh ? {} : { ifUpdatedAt }))) {
      logger.debug('Rebuild plan changed meanwhile; left as it is', {
        image: name,
      });
      this.scope.failed(entityRef);
      return undefined;
    }
    // Acted on: a restart, or the next pass, does not ask for it again.
    await trigger?.commit();
    if (isNew) {
      this.options.metrics?.rebuildPlanned(plan.cause);
      logger.info('Rebuild planned', {
        image: name,
        cause: plan.cause,
        reasons: describeReasons(reasons),
        ...(plan.causeDetail ? { causeDetail: plan.causeDetail } : {}),
        platforms: plan.platforms.join(','),
        eligibleAt: plan.eligibleAt.toISOString(),
        state: plan.state,
      });
    }
    if (plan.state === 'blocked' && previousState !== 'blocked') {
      await this.queueing.audit(plan, 'rebuild-blocked', blockedReason!, now);
    }
    return plan;
  }
}
