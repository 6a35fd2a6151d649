export { WheelBuildsCard } from './WheelBuildsCard';
