export { ImageDependenciesContent } from './ImageDependenciesContent';
