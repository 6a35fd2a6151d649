export { EnrollWheelSetDialog } from './EnrollWheelSetDialog';
export { UnenrollWheelSetDialog } from './UnenrollWheelSetDialog';
