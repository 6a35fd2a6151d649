export { migrateDatabase } from './migrateDatabase';
export { SqliteReplicaGuard } from './SqliteReplicaGuard';
export { DatabaseImagesStore } from './ImagesStore';
export type {
  ArchivedImageRecord,
  ImageEvent,
  ImagesStore,
  ImageRecord,
  PresentImage,
} from './ImagesStore';
export { DatabaseDigestStore } from './DigestStore';
export { storedReferenceKey } from './storedReferenceKey';
export type {
  CheckOutcome,
  CurrentDigests,
  DigestHistory,
  DigestObservation,
  DigestStore,
  ObservationChange,
  ObservedDigest,
  PlatformDigest,
  WatchedReference,
} from './DigestStore';
export { DatabaseEnrollmentStore } from './EnrollmentStore';
export type { EnrollmentBranchState, EnrollmentStore } from './EnrollmentStore';
export { DatabaseBuildStore, toBuildRun } from './BuildStore';
export type {
  BuildRunEnd,
  BuildRunRecord,
  BuildStore,
  NewBuildRun,
  RecoveredRuns,
} from './BuildStore';
export { DatabaseBuildLogStore } from './BuildLogStore';
export type { BuildLogStore } from './BuildLogStore';
export { DatabaseImageBasesStore } from './ImageBasesStore';
export type { ImageBasesRecord, ImageBasesStore } from './ImageBasesStore';
export { DatabaseRebuildPlanStore } from './RebuildPlanStore';
export type {
  PlannedReason,
  PlannedReasonKind,
  RebuildPlan,
  RebuildPlanStore,
} from './RebuildPlanStore';
export { DatabaseBuildArtifactStore } from './BuildArtifactStore';
export type { BuildArtifactStore, SucceededRun } from './BuildArtifactStore';
export { DatabaseBuildTriggerStore } from './BuildTriggerStore';
export type { BuildTrigger, BuildTriggerStore } from './BuildTriggerStore';
export { VersionCacheStore } from './VersionCacheStore';
export type { CachedListing, CachedTag } from './VersionCacheStore';
export { StageStore } from './StageStore';
export type { StageMoveRecord, StageStateRecord } from './StageStore';
export { INTERRUPTED, VerificationStore } from './VerificationStore';
export type { StageCheckResult, VerificationRecord } from './VerificationStore';
export {
  type VerificationLogStore,
  createVerificationLogStore,
} from './VerificationLogStore';
export { UpdateRequestStore } from './UpdateRequestStore';
export type {
  UpdateRequestRecord,
  UpdateRequestState,
} from './UpdateRequestStore';
export { DatabaseRegistryBudgetStore } from './RegistryBudgetStore';
export type {
  BucketLimits,
  BucketState,
  RegistryBudgetStore,
  RegistryHostNotes,
  RegistryHostRecord,
  TakeNeed,
} from './RegistryBudgetStore';
export { DatabaseExecutorSlotStore } from './ExecutorSlotStore';
export type { HeldSlot } from './ExecutorSlotStore';
export { isPostgres } from './buildRuns/rows';
