export { ImageOverviewCard } from './ImageOverviewCard';
