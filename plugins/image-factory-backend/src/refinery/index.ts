export { WheelPublisher } from './WheelPublisher';
export { readRefineryConfig, type RefineryConfig } from './readRefineryConfig';
export { DirectoryWheelBlobStore } from './store/DirectoryWheelBlobStore';
export { RegistryWheelBlobStore } from './store/RegistryWheelBlobStore';
export type { WheelBlobStore } from './store/WheelBlobStore';
export { WheelFileStore, type WheelFileRecord } from './store/WheelFileStore';
export {
  formatOf,
  OFFERED_TYPES,
  responseContentType,
} from './index/simpleIndexFormats';
export {
  projectListHtml,
  projectListJson,
  projectPageHtml,
  projectPageJson,
} from './index/renderSimpleIndex';
export {
  readUpstreamProjectPage,
  type UpstreamProjectPage,
} from './index/readUpstreamProjectPage';
export { normalizeProjectName } from './wheels/normalizeProjectName';
export { parseWheelFilename } from './wheels/parseWheelFilename';
export { RefineryMetrics } from './RefineryMetrics';
export { runWheelSet, type TargetRun } from './runWheelSet';
export {
  createRefineryQueue,
  type RefineryQueue,
} from './queue/createRefineryQueue';
export type { RefineryWorkerConfig } from './queue/RefineryWorker';
export * from './builders';
export { queueBuilderDependents } from './queueBuilderDependents';
export { readWheelSets, WHEELS_LOCATION_KEY } from './readWheelSets';
