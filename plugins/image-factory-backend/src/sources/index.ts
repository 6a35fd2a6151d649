export { ImagesFileWatcher } from './ImagesFileWatcher';
