export { imageFactoryApiRef } from './ImageFactoryApi';
export type {
  BuildLogStreamOptions,
  ImageFactoryApi,
  StartBuildResult,
} from './ImageFactoryApi';
export { ImageFactoryClient } from './ImageFactoryClient';
export type { BuildLogStreamTiming } from './followBuildLogs';
