export { parseShortDuration } from './duration';
export * from './schema';
export * from './parseImagesFile';
export * from './imageEntryToEntity';
