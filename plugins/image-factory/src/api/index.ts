export { imageFactoryApiRef } from './ImageFactoryApi';
export type { ImageFactoryApi } from './ImageFactoryApi';
export { ImageFactoryClient } from './ImageFactoryClient';
