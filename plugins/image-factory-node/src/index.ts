/**
 * Node.js library for Image Factory backend modules: extension points, config
 * readers, and loading of `images.yaml` into entities.
 *
 * @packageDocumentation
 */

export * from './config';
export * from './extensions';
export * from './images';
export * from './events';
