export { createVersions } from './createVersions';
export type { Versions } from './createVersions';
export { readVersionsConfig } from './readVersionsConfig';
export type { VersionsConfig } from './readVersionsConfig';
export { VersionService, assertDigest } from './VersionService';
export type { VersionTarget } from './types';
export { createDockerHubAdapter } from './adapters/dockerHub';
export { createGhcrAdapter } from './adapters/ghcr';
export { createOciRegistryAdapter } from './adapters/ociAdapter';
