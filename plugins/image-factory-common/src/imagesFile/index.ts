export { parseShortDuration } from './duration';
export { parseRebuildSchedule } from './rebuildSchedule';
export * from './schema';
export * from './parseImagesFile';
export * from './imageEntryToEntity';
export * from './imageEntryFields';
export { stagesSchema } from './stageSchema';
