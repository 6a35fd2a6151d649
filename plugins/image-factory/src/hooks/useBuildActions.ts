import { useApi } from '@backstage/core-plugin-api';
import type { StartBuildRequest } from '@image-factory/plugin-image-factory-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { imageFactoryApiRef } from '../api';

/**
 * "Build now" for one image: `start` sends the request, `state` holds its
 * progress, the run it returned (and whether it was already active) or the
 * error.
 */
export function useStartBuild(imageName: string) {
  const api = useApi(imageFactoryApiRef);
  const [state, start] = useAsyncFn(
    (request: StartBuildRequest) => api.startBuild(imageName, request),
    [api, imageName],
  );
  return { ...state, start };
}

/** Cancels runs: `cancel(id)` sends the request, `state` holds its outcome. */
export function useCancelBuild() {
  const api = useApi(imageFactoryApiRef);
  const [state, cancel] = useAsyncFn(
    (id: string) => api.cancelBuild(id),
    [api],
  );
  return { ...state, cancel };
}
