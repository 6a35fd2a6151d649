export type {
  ImageBases,
  ImageGraphService,
  ImageGraphSnapshot,
  ResolvedBase,
} from './types';
export { ImageBasesResolver, analyzeForPlatforms } from './ImageBasesResolver';
export type { ResolveSummary } from './ImageBasesResolver';
export { ImageGraph } from './ImageGraph';
export { discoveredBaseName } from './discoveredBaseName';
export { cyclesWith } from './cyclesWith';
export { resolveCurrentImages } from './resolveCurrentImages';
