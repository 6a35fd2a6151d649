export { migrateDatabase } from './migrateDatabase';
export { DatabaseImagesStore } from './ImagesStore';
export type { ImagesStore, ImageRecord, PresentImage } from './ImagesStore';
