export { PermittedAction, missingPermissionText } from './PermittedAction';
