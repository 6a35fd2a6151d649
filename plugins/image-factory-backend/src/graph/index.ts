export type {
  ImageBases,
  ImageGraphService,
  ImageGraphSnapshot,
  ResolvedBase,
} from './types';
