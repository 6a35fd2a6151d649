export { SourceFields } from './SourceFields';
export type { SourceValues } from './SourceFields';
export { SOURCE_DEFAULTS, toSourceEntry } from './sourceEntry';
