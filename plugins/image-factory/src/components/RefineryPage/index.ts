export { RefineryPage } from './RefineryPage';
