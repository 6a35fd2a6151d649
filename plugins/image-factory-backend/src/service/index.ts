export { createRouter, UNAUTHENTICATED_PATHS } from './createRouter';
