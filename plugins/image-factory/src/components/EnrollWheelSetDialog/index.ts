export { EnrollWheelSetDialog } from './EnrollWheelSetDialog';
