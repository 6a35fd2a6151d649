import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { imageFactoryApiRef } from '../api';

/**
 * Loads the factory status once; `retry()` loads it again.
 */
export function useFactoryStatus() {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getStatus(),
    [api],
  );
  return { status: value, loading, error, retry };
}
