/**
 * The Image Factory backend plugin: engine and REST API.
 *
 * @packageDocumentation
 */

export { imageFactoryPlugin as default } from './plugin';
export {
  createImageFactoryStageConditionalDecision,
  imageFactoryStageConditions,
} from './permissions/stageConditions';
export type { StageQuery, StageResource } from './permissions/stageResource';
