import {
  BuildCause,
  BuildRun,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { DependencyGraph } from '../tracking';
import { ImageBases } from './reasons';

/** The dependency graph as the planner reads it; the graph service's snapshot fits. */
export interface PlannerGraph extends ImageBases {
  graph: DependencyGraph;
}

/** The build queue as the planner uses it (BuildService fits). */
export interface RebuildQueue {
  start(request: {
    image: ImageEntityV1alpha1;
    cause: BuildCause;
    causeDetail?: string;
    requestedBy?: string;
    force?: boolean;
    /** Only these platforms; default all of the image's. */
    platforms?: string[];
  }): Promise<{ run: BuildRun; created: boolean }>;
}
