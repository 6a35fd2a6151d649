export { createBuildEngine, dockerConnection } from './createBuildEngine';
export type { BuildEngine } from './createBuildEngine';
export { BuildService, isFinished } from './BuildService';
export { BuildWorker } from './BuildWorker';
export { readBuildsConfig, BUILDS_DEFAULTS } from './readBuildsConfig';
export type { BuildsConfig } from './readBuildsConfig';
