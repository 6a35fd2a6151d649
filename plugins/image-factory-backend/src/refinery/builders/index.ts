export type { BuilderChoice, BuilderImages } from './BuilderImages';
export { configuredBuilder, configuredBuilders } from './BuilderImages';
export { FactoryBuilderImages, latestBuilt } from './FactoryBuilderImages';
