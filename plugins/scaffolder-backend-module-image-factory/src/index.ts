/**
 * Scaffolder actions for the Image Factory.
 *
 * @packageDocumentation
 */

export { scaffolderModuleImageFactory as default } from './module';
export { createValidateImageAction } from './actions/validateImage';
export { createAnalyzeDockerfileAction } from './actions/analyzeDockerfile';
export { createEnrollImageAction } from './actions/enrollImage';
export { createEnrollWheelSetAction } from './actions/enrollWheelSet';
