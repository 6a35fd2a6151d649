import { createConditionExports } from '@backstage/plugin-permission-node';
import { IMAGE_FACTORY_STAGE_RESOURCE_TYPE } from '@image-factory/plugin-image-factory-common';
import { isImageOwnerRule, isStageRule } from './stageResource';

const stageConditionExports = createConditionExports({
  pluginId: 'image-factory',
  resourceType: IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
  rules: { isStage: isStageRule, isImageOwner: isImageOwnerRule },
});

/**
 * Conditions on lifecycle stages for permission policies:
 * `isStage({ stages: ['dev', 'staging'] })`,
 * `isImageOwner({ claims: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const imageFactoryStageConditions = stageConditionExports.conditions;

/**
 * Wraps stage conditions into the conditional decision a permission policy
 * returns for `image-factory.stage.promote` or `image-factory.stage.approve`;
 * the image-factory plugin applies it to the stage asked about.
 *
 * @public
 */
export const createImageFactoryStageConditionalDecision =
  stageConditionExports.createConditionalDecision;
