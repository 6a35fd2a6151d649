export { createBuildEngine, dockerConnection } from './createBuildEngine';
export type { BuildEngine } from './createBuildEngine';
export { BuildService, isFinished } from './BuildService';
export { BuildWorker } from './BuildWorker';
export { readBuildsConfig, BUILDS_DEFAULTS } from './readBuildsConfig';
export type { BuildsConfig } from './readBuildsConfig';
export { BuildMetrics } from './BuildMetrics';
export {
  BuildArtifacts,
  DEFAULT_CATALOG_ENTITIES_PER_IMAGE,
  MAX_ARTIFACTS_PER_IMAGE,
  readCatalogEntitiesPerImage,
} from './BuildArtifacts';
export { ExecutorPool } from './ExecutorPool';
export type { PooledExecutor } from './ExecutorPool';
export { placePlatforms } from './placement';
export type { PlacementCandidate } from './placement';
export { BuildLog } from './BuildLog';
export { redactor } from './redactor';
export { engineAuth } from './RunRegistryAccess';
export { RegistryCredentialSource } from './RegistryCredentialSource';
