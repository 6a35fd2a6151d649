/**
 * Image Factory frontend: the factory status page, the enroll page, entity
 * cards for images, and the client of the Image Factory backend.
 *
 * @packageDocumentation
 */

export {
  imageFactoryPlugin,
  ImageFactoryPage,
  EntityImageOverviewCard,
  EntityImageEnrollmentCard,
  EntityImageBuildsContent,
  EntityImageDependenciesContent,
  EntityImageVersionsContent,
  EntityImageLifecycleContent,
  EntityImageLatestVersionsCard,
  EntityImageRebuildsCard,
  EntityImageTrackingCard,
  EntityProviderHealthCard,
  EntityImageBuildOverviewCard,
  EntityImageBuildInputsCard,
  EntityWheelBuildsCard,
  ImageFactoryEntityNotFound,
} from './plugin';
export {
  rootRouteRef as imageFactoryRootRouteRef,
  enrollRouteRef as imageFactoryEnrollRouteRef,
  lifecycleRouteRef as imageFactoryLifecycleRouteRef,
  refineryRouteRef as imageFactoryRefineryRouteRef,
} from './routes';
export { imageFactoryApiRef, ImageFactoryClient } from './api';
export { imageVersionColumn } from './components/ImageVersionColumn';
export type {
  BuildLogStreamOptions,
  BuildLogStreamTiming,
  ImageFactoryApi,
  StartBuildResult,
} from './api';
export {
  isImageFactoryImage,
  isImageFactoryStagedImage,
  isImageFactoryWatchedImage,
  isImageFactoryBuiltImage,
  isImageFactoryBuild,
  isImageFactoryWheel,
  isImageFactoryProvider,
} from './predicates';
export { imageFactoryRelationPairs } from './relations';
export {
  RELATION_BUILD_OF,
  RELATION_HAS_BUILD,
  RELATION_PROVIDED_BY,
  RELATION_PROVIDER_OF,
} from '@image-factory/plugin-image-factory-common';
export type {
  AuditEvent,
  AuditEventList,
  BuildCause,
  BuildErrorType,
  BuildInputs,
  BuildLogLine,
  BuildLogPage,
  BuildPlatformResult,
  BuildRun,
  BuildRunList,
  BuildStatus,
  CascadePredictionResponse,
  CascadeStepInfo,
  ChangeImageRequest,
  DependencyGraphEdge,
  DependencyGraphNode,
  DependencyGraphResponse,
  EmergencyRebuildRequest,
  EmergencyRebuildResponse,
  EnrollImageRequest,
  Enrollment,
  EnrollmentAction,
  EnrollmentList,
  EnrollmentPullRequest,
  EnrollmentResponse,
  EnrollmentState,
  ImageEntityV1alpha1,
  ImageFactoryStatus,
  ImageVersion,
  ImageVersionAttachment,
  ImageVersionAttachmentKind,
  ImageVersionBaseChange,
  ImageVersionBuild,
  ImageVersionComparison,
  ImageVersionLineage,
  ImageVersionList,
  ImageVersionListQuery,
  ImageVersionPlatform,
  ImageVersionPlatformChange,
  ImageVersionSource,
  ImagesFileIssue,
  ImagesFileStatus,
  ProviderStatus,
  RebuildReason,
  StartBuildRequest,
  UnenrollImageRequest,
  UpcomingRebuild,
  UpcomingRebuildList,
  UpcomingRebuildState,
} from '@image-factory/plugin-image-factory-common';
