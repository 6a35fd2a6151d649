import { KindValidator } from '@backstage/catalog-model';
import { imageEntityV1alpha1Validator } from './ImageEntityV1alpha1';
import { imageBuildEntityV1alpha1Validator } from './ImageBuildEntityV1alpha1';
import { wheelEntityV1alpha1Validator } from './WheelEntityV1alpha1';
import { providerEntityV1alpha1Validator } from './ProviderEntityV1alpha1';

/**
 * The validators of the four Image Factory kinds, for a catalog processor.
 *
 * @public
 */
export const imageFactoryKindValidators: KindValidator[] = [
  imageEntityV1alpha1Validator,
  imageBuildEntityV1alpha1Validator,
  wheelEntityV1alpha1Validator,
  providerEntityV1alpha1Validator,
];
