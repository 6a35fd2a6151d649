/**
 * The Image Factory backend plugin: engine and REST API.
 *
 * @packageDocumentation
 */

export { imageFactoryPlugin as default } from './plugin';
