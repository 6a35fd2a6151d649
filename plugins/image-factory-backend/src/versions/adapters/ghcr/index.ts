export { createGhcrAdapter } from './createGhcrAdapter';
export type { GhcrAdapterOptions } from './createGhcrAdapter';
