export {
  classifyBuildFailure,
  type BuildFailure,
  type BuildFailureCause,
} from './classifyBuildFailure';
export {
  DEFAULT_HINT_RULES,
  describeHints,
  hintsAfter,
  hintsFor,
  hintRulesOf,
  NO_HINTS,
  type BuildHints,
  type HintRule,
} from './hints';
export {
  refineSdist,
  type RefineResult,
  type WheelBuildAttempt,
} from './refineSdist';
export { runWheelBuild } from './runWheelBuild';
export { REFINERY_CONTAINER_LABEL } from './runBuilderContainer';
