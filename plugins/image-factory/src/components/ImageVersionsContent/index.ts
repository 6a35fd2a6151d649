export { ImageVersionsContent } from './ImageVersionsContent';
