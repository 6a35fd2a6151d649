export { EnrollPage } from './EnrollPage';
