export { ImageBuildsContent } from './ImageBuildsContent';
