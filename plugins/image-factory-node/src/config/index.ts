export * from './readProvidersConfig';
export * from './readImagesSourceConfig';
