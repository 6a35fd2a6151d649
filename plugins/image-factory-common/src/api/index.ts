export * from './types';
export * from './analysis';
export * from './enrollment';
export * from './builds';
export * from './rebuilds';
export * from './buildArtifacts';
export * from './providerHealth';
export * from './registryBudgets';
