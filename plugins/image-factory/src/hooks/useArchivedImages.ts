import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { imageFactoryApiRef } from '../api';

/** Loads the archived (un-enrolled) images once; `retry()` loads them again. */
export function useArchivedImages() {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listArchivedImages(),
    [api],
  );
  return { images: value?.items, loading, error, retry };
}
