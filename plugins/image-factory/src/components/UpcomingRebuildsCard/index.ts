export { UpcomingRebuildsCard } from './UpcomingRebuildsCard';
