export { LifecycleService } from './LifecycleService';
export { moveStageTag } from './moveStageTag';
