export { ImageTrackingCard } from './ImageTrackingCard';
