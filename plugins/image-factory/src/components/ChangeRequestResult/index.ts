export {
  ChangeRequestError,
  ChangeRequestSuccess,
  backendMessage,
} from './ChangeRequestResult';
