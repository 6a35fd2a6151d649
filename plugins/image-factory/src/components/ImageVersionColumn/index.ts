export { imageVersionColumn } from './imageVersionColumn';
