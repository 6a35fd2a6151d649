export { ImagesFileWatcher } from './ImagesFileWatcher';
export { followImagesFileWrites } from './followImagesFileWrites';
