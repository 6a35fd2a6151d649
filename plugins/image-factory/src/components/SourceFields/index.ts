export { SourceFields } from './SourceFields';
export type { SourceValues } from './SourceFields';
