export { LifecycleService } from './LifecycleService';
export type { StageActor } from './LifecycleService';
export { moveStageTag } from './moveStageTag';
export { createLifecycle } from './createLifecycle';
export { readLifecycleConfig } from './readLifecycleConfig';
export type { StageVerifier, StageEnteredListener } from './gates';
export { stagePolicies } from './stagePolicies';
export type { StagePolicy } from './stagePolicies';
