export { DockerExecutor, splitTag } from './DockerExecutor';
export type { DockerExecutorHealth, DockerExecutorOptions } from './types';
export {
  BuildFailedError,
  BuildRequestError,
  ExecutorCancelledError,
  ExecutorError,
  ExecutorTimeoutError,
  ExecutorUnreachableError,
  ImagePullError,
  PushFailedError,
} from './errors';
export type { BuildFailureLocation } from './errors';
export { ociLabels } from './ociLabels';
export type { OciLabelsInput } from './ociLabels';
export {
  describeUnsupported,
  unsupportedBuildFeatures,
} from './buildFeatureSupport';
export type { UnsupportedBuildFeature } from './buildFeatureSupport';
export type { BuildCapabilities, DockerBuilder } from './engineCapabilities';
