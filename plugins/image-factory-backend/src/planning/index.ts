export {
  RebuildPlanner,
  describeReasons,
  toUpcomingRebuild,
} from './RebuildPlanner';
export type {
  PlannerGraph,
  RebuildPlannerOptions,
  RebuildQueue,
} from './RebuildPlanner';
export type { ImageBases } from './reasons';
export { readRebuildsConfig, DEFAULT_MAX_WAIT_MS } from './readRebuildsConfig';
export type { RebuildsConfig } from './readRebuildsConfig';
export { EmergencyRebuilds } from './EmergencyRebuilds';
export type { EmergencyRebuildsOptions } from './EmergencyRebuilds';
export { createRebuildPlanning } from './createRebuildPlanning';
export type { RebuildPlanning } from './createRebuildPlanning';
