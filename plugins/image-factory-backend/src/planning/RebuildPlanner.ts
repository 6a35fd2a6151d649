import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import {
  ImageEntityV1alpha1,
  parseShortDuration,
  UpcomingRebuild,
} from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import {
  BuildRunRecord,
  BuildStore,
  DigestStore,
  RebuildPlan,
  RebuildPlanStore,
} from '../database';
import { referenceKey } from '../tracking';
import { acyclicOrder } from './acyclicOrder';
import { PlanQueueing } from './PlanQueueing';
import { upstreamState } from './upstreamState';
import { BuildTriggers, DueTrigger } from './BuildTriggers';
import {
  affectedPlatforms,
  externalReasons,
  mergeReasons,
  upstreamReasons,
} from './reasons';
import { RebuildMetrics } from './RebuildMetrics';
import { computeTiming } from './timing';
import { PlannerGraph, RebuildQueue } from './types';
import { describeReasons, toUpcomingRebuild } from './upcomingRebuild';

/** Options of {@link RebuildPlanner}. */
export interface RebuildPlannerOptions {
  images: () => ImageEntityV1alpha1[];
  graph: () => Promise<PlannerGraph>;
  digests: Pick<DigestStore, 'getCurrent'>;
  builds: Pick<BuildStore, 'get' | 'lastSucceeded' | 'list'>;
  plans: RebuildPlanStore;
  queue: RebuildQueue;
  logger: LoggerService;
  maxWaitMs: number;
  maxDepth: number;
  metrics?: RebuildMetrics;
  /** Builds images.yaml asks for (enrollment, config change, schedule); none when absent. */
  triggers?: Pick<BuildTriggers, 'collect'>;
  clock?: () => Date;
}

const DEFAULT_COALESCE_MS = 30 * 60 * 1000;
const ENDED_OK = new Set(['succeeded', 'skipped']);
const ENDED_BAD = new Set(['failed', 'cancelled']);

/** Images the factory builds: managed ones, and base images with a source. */
const isBuildable = (image: ImageEntityV1alpha1) =>
  image.spec.type !== 'external' && !!image.spec.source;

/**
 * Plans rebuilds when bases change, and queues them when their policy allows:
 * after the image's delay (from the new digests' first-seen times), once the
 * bases went quiet (or at the maximum wait), in dependency order (an image
 * FROM a factory-built image waits for that image's new build, or its first
 * one), never past a failed upstream build or the depth cap. It also plans
 * the builds images.yaml asks for (first sight, config change, schedule),
 * which go at once, in the same dependency order. One pass per call; state
 * lives in the database, so any backend may run the next pass.
 */
export class RebuildPlanner {
  private readonly clock: () => Date;
  private readonly queueing: PlanQueueing;

  constructor(private readonly options: RebuildPlannerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.queueing = new PlanQueueing(options);
  }

  /** Open plans, soonest first. */
  async upcoming(): Promise<UpcomingRebuild[]> {
    const plans = await this.options.plans.listOpen();
    return plans
      .sort(
        (a, b) =>
          a.eligibleAt.getTime() - b.eligibleAt.getTime() ||
          a.imageName.localeCompare(b.imageName),
      )
      .map(toUpcomingRebuild);
  }

  /** One planning pass: updates every plan, queues the due ones; returns the open plans. */
  async runOnce(): Promise<UpcomingRebuild[]> {
    const now = this.clock();
    const managed = this.options.images().filter(isBuildable);
    const byRef = new Map(managed.map(i => [stringifyEntityRef(i), i]));
    const snapshot = await this.options.graph();
    const publishers = new Map<string, string>();
    for (const [entityRef, image] of byRef) {
      publishers.set(referenceKey(image.spec.reference), entityRef);
    }
    const cycleOf = new Map<string, string[]>();
    for (const cycle of snapshot.graph.findCycles()) {
      for (const member of cycle) cycleOf.set(member, cycle);
    }
    const upstreamOf = (entityRef: string) => [
      ...new Set(
        snapshot
          .basesOf(entityRef)
          .map(b => publishers.get(referenceKey(b)))
          .filter((e): e is string => !!e && e !== entityRef && byRef.has(e)),
      ),
    ];
    const triggers =
      (await this.options.triggers?.collect(byRef, now)) ??
      new Map<string, DueTrigger>();
    const open = new Map(
      (await this.options.plans.listOpen()).map(p => [p.imageName, p]),
    );
    const lastBuilds = new Map<string, BuildRunRecord | undefined>();
    for (const [entityRef, image] of byRef) {
      lastBuilds.set(
        entityRef,
        await this.options.builds.lastSucceeded(image.metadata.name),
      );
    }

    // Cycle members first: they are blocked whatever their upstream does,
    // and their dependents then see them blocked.
    const order = [
      ...[...cycleOf.keys()].filter(e => byRef.has(e)).sort(),
      ...acyclicOrder(
        [...byRef.keys()].filter(e => !cycleOf.has(e)),
        upstreamOf,
      ),
    ];
    const managedNames = new Set(managed.map(i => i.metadata.name));
    for (const [name, plan] of open) {
      // The image left images.yaml or stopped being built by the factory.
      if (!managedNames.has(name)) await this.close(plan, 'superseded', now);
    }
    const status = new Map<string, RebuildPlan>();
    for (const entityRef of order) {
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
      });
      if (plan) status.set(entityRef, plan);
    }
    return this.upcoming();
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
      return undefined;
    }
  }

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
  }): Promise<RebuildPlan | undefined> {
    const { image, entityRef, now, snapshot, status, lastBuilds, trigger } =
      input;
    const { plans, logger } = this.options;
    const name = image.metadata.name;
    let plan = input.plan;
    // What the plan was when read: a pass never overwrites a newer version.
    let ifUpdatedAt = plan?.updatedAt;

    // 1. Settle the plan's run.
    if (plan?.runId) {
      const run = await this.options.builds.get(plan.runId);
      if (!run || ENDED_OK.has(run.status)) {
        await this.close(plan, 'done', now);
        logger.info('Rebuild finished', {
          image: name,
          runId: plan.runId,
          status: run?.status ?? 'gone',
        });
        plan = undefined;
      } else if (ENDED_BAD.has(run.status)) {
        plan.failedRunId = plan.runId;
        delete plan.runId;
        plan.state = 'blocked';
        plan.blockedReason = `the rebuild failed: run ${run.id} ${run.status}${
          run.reason ? `: ${run.reason}` : ''
        }`;
        plan.updatedAt = now;
        if (!(await plans.save(plan, { ifUpdatedAt }))) return undefined;
        logger.warn('Rebuild failed; its cascade is blocked', {
          image: name,
          runId: run.id,
          reason: run.reason,
        });
        await this.queueing.audit(
          plan,
          'rebuild-blocked',
          plan.blockedReason,
          now,
          [run.id],
        );
        // A new images.yaml config is worth another try at once.
        if (!trigger) return plan;
        ifUpdatedAt = plan.updatedAt;
      } else {
        return plan;
      }
    }

    // 2. What changed since the image's last successful build.
    const lastBuild = lastBuilds.get(entityRef);
    const upstreamBuilds = input.upstream.map(u => ({
      entityRef: u,
      reference: this.options.images().find(i => stringifyEntityRef(i) === u)!
        .spec.reference,
      lastBuild: lastBuilds.get(u),
    }));
    const external = (
      await externalReasons({
        bases: snapshot
          .basesOf(entityRef)
          .filter(
            b =>
              !upstreamBuilds.some(
                u => referenceKey(u.reference) === referenceKey(b),
              ),
          ),
        // Never built successfully: what its last attempt was built from.
        lastBuild: lastBuild ?? (await this.lastAttempt(name)),
        digests: this.options.digests,
        plans,
      })
    ).filter(
      r => affectedPlatforms(image, entityRef, [r], snapshot).length > 0,
    );
    const fromUpstream = upstreamReasons(lastBuild, upstreamBuilds);

    // 3. The circuit breaker: a failed plan stays blocked until something new.
    if (plan?.failedRunId) {
      const failedRun = await this.options.builds.get(plan.failedRunId);
      const fixed =
        lastBuild?.finishedAt &&
        failedRun?.finishedAt &&
        lastBuild.finishedAt > failedRun.finishedAt;
      const known = new Set(plan.reasons.map(r => r.newDigest));
      const news =
        !!trigger ||
        [...external, ...fromUpstream].some(r => !known.has(r.newDigest));
      if (fixed) {
        await this.close(plan, 'superseded', now);
        plan = undefined;
      } else if (news) {
        delete plan.failedRunId;
        delete plan.blockedReason;
        if (!trigger && plan.cause !== 'emergency') {
          // Tried again because a base changed, whatever it was first for.
          plan.cause = 'base-change';
          delete plan.causeDetail;
        }
      } else {
        return plan;
      }
    }

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
      await this.close(plan, 'superseded', now);
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
    // Asked for as such (an emergency, or by images.yaml), not by a base change.
    const own = plan.cause !== 'base-change';
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
    const upstreamDue = waitingFor.length > 0 ? upstreamEligible : [];
    const timing = computeTiming({
      // Builds images.yaml asks for skip the delays; they still go after
      // their upstream images.
      firstSeen: own ? [] : external.map(r => new Date(r.firstSeenAt)),
      upstreamPushed: emergency
        ? [plan.createdAt]
        : [
            ...(own ? [] : fromUpstream.map(r => new Date(r.firstSeenAt))),
            ...upstreamDue,
          ],
      delayMs: parseShortDuration(policy.delay ?? '0s') ?? 0,
      coalesceMs:
        parseShortDuration(policy.coalesceWindow ?? '') ?? DEFAULT_COALESCE_MS,
      maxWaitMs: this.options.maxWaitMs,
      previousMaxWaitUntil: isNew ? undefined : plan.maxWaitUntil,
      now,
    });
    plan.eligibleAt = timing.eligibleAt;
    plan.maxWaitUntil = timing.maxWaitUntil;
    if (timing.quietUntil) plan.quietUntil = timing.quietUntil;
    else delete plan.quietUntil;
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

  /** The image's latest ended run that recorded its bases, for an image never built successfully. */
  private async lastAttempt(
    imageName: string,
  ): Promise<BuildRunRecord | undefined> {
    const runs = await this.options.builds.list({ imageName, limit: 10 });
    return runs.find(
      r =>
        r.status === 'failed' &&
        Object.keys(r.inputs.baseDigests ?? {}).length > 0,
    );
  }

  private async close(
    plan: RebuildPlan,
    state: 'done' | 'superseded',
    now: Date,
  ): Promise<void> {
    await this.options.plans.save(
      { ...plan, state, open: false, closedAt: now, updatedAt: now },
      { ifUpdatedAt: plan.updatedAt },
    );
  }
}
