export { PendingEnrollmentsCard } from './PendingEnrollmentsCard';
