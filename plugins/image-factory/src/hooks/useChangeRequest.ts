import { useApi } from '@backstage/core-plugin-api';
import type { EnrollmentResponse } from '@image-factory/plugin-image-factory-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { ImageFactoryApi, imageFactoryApiRef } from '../api';

/**
 * Sends one change request (enroll, un-enroll or change) at a time: `send`
 * runs it, `state` holds its progress, response or error.
 */
export function useChangeRequest() {
  const api = useApi(imageFactoryApiRef);
  const [state, send] = useAsyncFn(
    (request: (api: ImageFactoryApi) => Promise<EnrollmentResponse>) =>
      request(api),
    [api],
  );
  return { ...state, send };
}
