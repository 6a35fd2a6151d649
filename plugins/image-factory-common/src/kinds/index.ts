export * from './ImageEntityV1alpha1';
export * from './ImageBuildEntityV1alpha1';
export * from './WheelEntityV1alpha1';
export * from './ProviderEntityV1alpha1';
export { imageFactoryKindValidators } from './validators';
