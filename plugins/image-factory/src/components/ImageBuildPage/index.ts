export { ImageBuildOverviewCard } from './ImageBuildOverviewCard';
export { ImageBuildInputsCard } from './ImageBuildInputsCard';
