import { LoggerService } from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import {
  DatabaseBuildStore,
  DatabaseBuildTriggerStore,
  DatabaseDigestStore,
  DatabaseRebuildPlanStore,
  RebuildPlanStore,
} from '../database';
import { ImageGraphService } from '../graph';
import { BuildTriggers, BuildTriggersOptions } from './BuildTriggers';
import { EmergencyRebuilds } from './EmergencyRebuilds';
import { RebuildMetrics } from './RebuildMetrics';
import { RebuildPlanner } from './RebuildPlanner';
import { RebuildQueue } from './types';
import { RebuildsConfig } from './readRebuildsConfig';

/** The planner, emergency rebuilds and the audit trail, for the router. */
export interface RebuildPlanning {
  planner: RebuildPlanner;
  emergency: EmergencyRebuilds;
  plans: RebuildPlanStore;
  /** `imageFactory.rebuilds.maxDepth`: how deep a predicted cascade goes, as deep as the planner goes. */
  maxDepth: number;
}

/** Wires the rebuild planning on the plugin's database. */
export function createRebuildPlanning(options: {
  config: RebuildsConfig;
  client: Knex;
  images: () => ImageEntityV1alpha1[];
  graph: ImageGraphService;
  queue: RebuildQueue;
  notifications?: Pick<NotificationService, 'send'>;
  /** Backstage's metrics service, when the backend has one. */
  metrics?: MetricsService;
  /** Whether an image's bases are known yet (see {@link BuildTriggersOptions}). */
  basesKnown?: (entityRef: string) => Promise<boolean>;
  logger: LoggerService;
}): RebuildPlanning {
  const { config, client, images, queue, logger } = options;
  const metrics = options.metrics && new RebuildMetrics(options.metrics);
  const plans = DatabaseRebuildPlanStore.create({ client });
  const graph = () => options.graph.getGraph();
  const builds = DatabaseBuildStore.create({ client });
  const planner = new RebuildPlanner({
    images,
    graph,
    // Read only: with tracking off there are simply no digests.
    digests: DatabaseDigestStore.create({ client }),
    builds,
    plans,
    queue,
    logger,
    maxWaitMs: config.maxWaitMs,
    maxDepth: config.maxDepth,
    metrics,
    triggers: new BuildTriggers({
      store: DatabaseBuildTriggerStore.create({ client }),
      builds,
      automaticBuilds: config.automaticBuilds,
      defaultScheduleMs: config.defaultScheduleMs,
      basesKnown: options.basesKnown,
      logger,
    }),
  });
  const emergency = new EmergencyRebuilds({
    images,
    graph,
    plans,
    queue,
    logger,
    notifications: options.notifications,
    maxDepth: config.maxDepth,
    metrics,
  });
  return { planner, emergency, plans, maxDepth: config.maxDepth };
}
