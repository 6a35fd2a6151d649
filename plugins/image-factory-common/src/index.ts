/**
 * Common types, schemas and helpers of the Image Factory plugin suite.
 *
 * @packageDocumentation
 */

export * from './constants';
export * from './kinds';
export * from './imageRef';
export * from './imagesFile';
export * from './permissions';
export * from './api';
export * from './validation';
export * from './wheelsFile';
