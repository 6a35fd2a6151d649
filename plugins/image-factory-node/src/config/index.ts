export * from './readProvidersConfig';
export * from './readImagesSourceConfig';
export * from './parseOwnerRef';
export * from './sourceWebUrl';
