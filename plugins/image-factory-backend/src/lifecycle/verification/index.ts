export { runStageChecks } from './runStageChecks';
export type {
  StageChecksOutcome,
  StageChecksRequest,
  VerificationLogSink,
} from './runStageChecks';
export { DEFAULT_CHECK_TIMEOUT } from './planCheckRuns';
export type { VersionUnderTest } from './planCheckRuns';
export { createStageVerifier } from './createStageVerifier';
export { toApiVerification } from './toApiVerification';
