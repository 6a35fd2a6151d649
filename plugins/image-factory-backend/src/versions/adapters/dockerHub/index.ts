export { createDockerHubAdapter } from './createDockerHubAdapter';
export type { DockerHubAdapterOptions } from './createDockerHubAdapter';
