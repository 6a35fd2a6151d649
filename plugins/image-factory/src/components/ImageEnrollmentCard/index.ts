export { ImageEnrollmentCard } from './ImageEnrollmentCard';
