import { LoggerService } from '@backstage/backend-plugin-api';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { BuildStore, DigestStore, RebuildPlanStore } from '../database';
import { BuildTriggers } from './BuildTriggers';
import { RebuildMetrics } from './RebuildMetrics';
import { PlannerGraph, RebuildQueue } from './types';

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
