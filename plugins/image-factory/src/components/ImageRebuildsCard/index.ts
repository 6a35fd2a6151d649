export { ImageRebuildsCard } from './ImageRebuildsCard';
