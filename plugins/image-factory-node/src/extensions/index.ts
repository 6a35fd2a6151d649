export * from './executors';
export * from './registries';
