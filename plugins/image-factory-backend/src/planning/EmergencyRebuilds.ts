import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import {
  AuditEvent,
  EmergencyRebuildResponse,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { randomUUID } from 'crypto';
import { RebuildPlan, RebuildPlanStore } from '../database';
import { RebuildMetrics } from './RebuildMetrics';
import { PlannerGraph, RebuildQueue } from './types';

/** Options of {@link EmergencyRebuilds}. */
export interface EmergencyRebuildsOptions {
  images: () => ImageEntityV1alpha1[];
  graph: () => Promise<PlannerGraph>;
  plans: RebuildPlanStore;
  queue: RebuildQueue;
  logger: LoggerService;
  /** Absent when the notifications plugin is not installed. */
  notifications?: Pick<NotificationService, 'send'>;
  maxDepth: number;
  metrics?: RebuildMetrics;
  clock?: () => Date;
}

/** The Image's owner as an entity ref (`team-web` → `group:default/team-web`). */
function ownerRef(image: ImageEntityV1alpha1): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(image.spec.owner, {
        defaultKind: 'group',
        defaultNamespace: image.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Emergency rebuilds (a critical CVE): the image is queued at once, skipping
 * its delay and quiet period, and with `cascade` every image built FROM it is
 * planned too, each queued by the planner once its upstream build succeeded.
 * The caller checks the permission and the justification first.
 */
export class EmergencyRebuilds {
  private readonly clock: () => Date;

  constructor(private readonly options: EmergencyRebuildsOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async trigger(request: {
    image: ImageEntityV1alpha1;
    justification: string;
    cascade: boolean;
    actor: string;
  }): Promise<EmergencyRebuildResponse> {
    const { image, justification, actor } = request;
    const { plans, logger } = this.options;
    const now = this.clock();
    const entityRef = stringifyEntityRef(image);
    const { run } = await this.options.queue.start({
      image,
      cause: 'emergency',
      causeDetail: justification,
      requestedBy: actor,
      force: true,
    });
    const open = new Map((await plans.listOpen()).map(p => [p.imageName, p]));
    const emergencyPlan = (
      target: ImageEntityV1alpha1,
      depth: number,
    ): RebuildPlan => {
      const existing = open.get(target.metadata.name);
      const plan: RebuildPlan = existing ?? {
        id: randomUUID(),
        imageName: target.metadata.name,
        entityRef: stringifyEntityRef(target),
        cause: 'emergency',
        state: 'waiting-upstream',
        open: true,
        reasons: [],
        platforms: target.spec.platforms,
        eligibleAt: now,
        depth,
        createdAt: now,
        updatedAt: now,
      };
      plan.cause = 'emergency';
      plan.platforms = target.spec.platforms;
      plan.requestedBy = actor;
      plan.justification = justification;
      plan.eligibleAt = now;
      plan.depth = depth;
      plan.updatedAt = now;
      delete plan.failedRunId;
      delete plan.blockedReason;
      return plan;
    };

    const root = emergencyPlan(image, 0);
    root.runId = run.id;
    root.state = 'queued';
    await plans.save(root);

    const planned: string[] = [];
    const cut: string[] = [];
    if (request.cascade) {
      // Every image the factory builds: managed ones and bases with a source.
      const managed = new Map(
        this.options
          .images()
          .filter(i => !!i.spec.source)
          .map(i => [stringifyEntityRef(i), i]),
      );
      const snapshot = await this.options.graph();
      const prediction = snapshot.graph.predictCascade(image.spec.reference, {
        maxDepth: this.options.maxDepth,
      });
      for (const step of prediction.rebuilds) {
        const target = managed.get(step.entityRef);
        if (!target) continue;
        const plan = emergencyPlan(target, step.depth);
        // A dependent already queued keeps its run; the others wait for
        // their upstream build, then the planner queues them without delay.
        if (!plan.runId) plan.state = 'waiting-upstream';
        await plans.save(plan);
        planned.push(step.entityRef);
      }
      cut.push(...prediction.cut.map(s => s.entityRef));
    }

    const audit: AuditEvent = {
      id: randomUUID(),
      entityRef,
      action: 'emergency-rebuild',
      actor,
      justification,
      at: now.toISOString(),
      summary: [
        `queued run ${run.id}`,
        ...(request.cascade
          ? [
              planned.length
                ? `${
                    planned.length
                  } images in the cascade follow in order: ${planned.join(
                    ', ',
                  )}`
                : 'no image is built FROM it',
            ]
          : []),
        ...(cut.length ? [`beyond the depth cap: ${cut.join(', ')}`] : []),
      ].join('; '),
      runIds: [run.id],
    };
    await plans.addAudit(audit);
    this.options.metrics?.rebuildPlanned('emergency', 1 + planned.length);
    logger.info('Emergency rebuild requested', {
      image: image.metadata.name,
      runId: run.id,
      actor,
      justification,
      cascade: planned.join(','),
    });
    await this.notify(image, audit);
    return { runs: [run], audit };
  }

  private async notify(
    image: ImageEntityV1alpha1,
    audit: AuditEvent,
  ): Promise<void> {
    const owner = ownerRef(image);
    if (!this.options.notifications || !owner) return;
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: `Emergency rebuild of ${image.metadata.name}`,
          description: `${audit.actor}: ${audit.justification} (${audit.summary})`,
          link: `/catalog/${image.metadata.namespace ?? 'default'}/image/${
            image.metadata.name
          }`,
          severity: 'high',
          topic: 'image-factory-emergency-rebuild',
        },
      });
    } catch (e) {
      assertError(e);
      // The rebuild is queued and audited; a missing notification is not worth failing it.
      this.options.logger.warn(
        'Could not send the emergency rebuild notification',
        {
          image: image.metadata.name,
          error: `${e.name}: ${e.message}`,
        },
      );
    }
  }
}
