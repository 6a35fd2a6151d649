import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'crypto';
import { RebuildPlan, RebuildPlanStore } from '../database';
import { RebuildMetrics } from './RebuildMetrics';
import { RebuildQueue } from './types';
import { describeReasons } from './upcomingRebuild';

/**
 * Hands a due plan to the build queue (once; a queued or running run of the
 * image is joined) and keeps the image's audit trail of it.
 */
export class PlanQueueing {
  constructor(
    private readonly options: {
      queue: RebuildQueue;
      plans: Pick<RebuildPlanStore, 'addAudit'>;
      logger: LoggerService;
      metrics?: RebuildMetrics;
    },
  ) {}

  /** Queues the plan's run and marks the plan queued (the caller saves it). */
  async queue(
    plan: RebuildPlan,
    image: ImageEntityV1alpha1,
    now: Date,
  ): Promise<void> {
    const emergency = plan.cause === 'emergency';
    const own = plan.cause !== 'base-change';
    const changes = describeReasons(
      plan.reasons.filter(r => r.kind !== 'inherited'),
    );
    const { run, created } = await this.options.queue.start({
      image,
      cause: plan.cause,
      causeDetail: emergency
        ? plan.justification
        : [plan.causeDetail, changes].filter(Boolean).join('; '),
      requestedBy: plan.requestedBy,
      force: emergency,
      // An amd64-only change of a base does not rebuild s390x.
      ...(own ? {} : { platforms: plan.platforms }),
    });
    plan.runId = run.id;
    plan.state = 'queued';
    this.options.metrics?.rebuildQueued(plan.cause);
    this.options.logger.info('Rebuild queued', {
      image: plan.imageName,
      runId: run.id,
      cause: plan.cause,
      deduplicated: !created,
      platforms: plan.platforms.join(','),
    });
    await this.audit(
      plan,
      emergency ? 'emergency-cascade-queued' : 'rebuild-queued',
      `${created ? 'queued' : 'joined the active'} run ${run.id}${
        emergency
          ? ''
          : `: ${
              [plan.causeDetail, describeReasons(plan.reasons)]
                .filter(Boolean)
                .join('; ') || plan.cause
            }`
      }`,
      now,
      [run.id],
    );
  }

  /** Adds an entry to the image's audit trail. */
  async audit(
    plan: RebuildPlan,
    action: string,
    summary: string,
    now: Date,
    runIds?: string[],
  ): Promise<void> {
    const emergency = plan.cause === 'emergency';
    await this.options.plans.addAudit({
      id: randomUUID(),
      entityRef: plan.entityRef,
      action,
      actor: (emergency && plan.requestedBy) || 'image-factory',
      ...(emergency && plan.justification
        ? { justification: plan.justification }
        : {}),
      at: now.toISOString(),
      summary,
      ...(runIds ? { runIds } : {}),
    });
  }
}
