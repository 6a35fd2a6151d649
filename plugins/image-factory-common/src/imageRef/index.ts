export * from './parseImageRef';
