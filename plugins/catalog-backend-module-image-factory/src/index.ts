/**
 * Catalog module for the Image Factory: kinds processor and entity provider.
 *
 * @packageDocumentation
 */

export { catalogModuleImageFactory as default } from './module';
export { ImageFactoryEntitiesProcessor } from './processor/ImageFactoryEntitiesProcessor';
export { ImageFactoryEntityProvider } from './provider/ImageFactoryEntityProvider';
export { ImageFactoryBuildsEntityProvider } from './provider/ImageFactoryBuildsEntityProvider';
export { ImageFactoryWheelsEntityProvider } from './provider/ImageFactoryWheelsEntityProvider';
