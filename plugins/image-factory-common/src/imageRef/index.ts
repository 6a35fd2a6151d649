export * from './parseImageRef';
export * from './canonicalImageRef';
