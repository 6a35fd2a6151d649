export { ImageLatestVersionsCard } from './ImageLatestVersionsCard';
