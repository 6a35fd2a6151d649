export * from './types';
export * from './analysis';
export * from './enrollment';
