export { ImageLifecycleContent } from './ImageLifecycleContent';
