export { runStageChecks } from './runStageChecks';
export type {
  StageChecksOutcome,
  StageChecksRequest,
  VerificationLogSink,
} from './runStageChecks';
export { DEFAULT_CHECK_TIMEOUT } from './planCheckRuns';
export type { VersionUnderTest } from './planCheckRuns';
