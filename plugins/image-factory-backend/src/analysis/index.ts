export { analyzeDockerfile } from './analyzeDockerfile';
export type { AnalyzeDockerfileOptions } from './analyzeDockerfile';
export { BUILD_FEATURES, requiredBuildFeatures } from './buildFeatures';
export type {
  BuildFeature,
  BuildFeatureInfo,
  BuildFeatureUse,
} from './buildFeatures';
export { usedWithFixedPlatform } from './usedWithFixedPlatform';
