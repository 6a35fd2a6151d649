export { EntityNotFound } from './EntityNotFound';
