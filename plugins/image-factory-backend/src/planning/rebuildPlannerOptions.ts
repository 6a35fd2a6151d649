import { LoggerService } from '@backstage/backend-plugin-api';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { BuildStore, DigestStore, RebuildPlanStore } from '../database';
import { BuildTriggers } from './BuildTriggers';
import { RebuildMetrics } from './RebuildMetrics';
import { PlannerGraph, RebuildQueue } from './types';

/** Options of {@link RebuildPlanner}. */
export interface RebuildPlannerOptions {
  /**
   * The images of images.yaml: a new array when it is read again (an image
   * is not changed in place), so that a pass sees a change of images.yaml.
   */
  images: () => ImageEntityV1alpha1[];
  /** The graph: a new `graph` in it when its structure changed (the graph service's snapshot does so). */
  graph: () => Promise<PlannerGraph>;
  digests: Pick<DigestStore, 'listCurrent'>;
  builds: Pick<
    BuildStore,
    'get' | 'lastSucceededOf' | 'latestOf' | 'changedSince'
  >;
  plans: RebuildPlanStore;
  queue: RebuildQueue;
  logger: LoggerService;
  maxWaitMs: number;
  maxDepth: number;
  metrics?: RebuildMetrics;
  /** Builds images.yaml asks for (enrollment, config change, schedule); none when absent. */
  triggers?: Pick<BuildTriggers, 'collect'>;
  clock?: () => Date;
  /** A pass at least this often plans every image, whatever changed; default one hour. */
  fullPassIntervalMs?: number;
}
