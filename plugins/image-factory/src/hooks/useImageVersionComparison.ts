import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { imageFactoryApiRef } from '../api';

/** The comparison of two versions, loaded while both digests are set. */
export function useImageVersionComparison(
  imageName: string,
  from?: string,
  to?: string,
) {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () =>
      from && to ? api.compareImageVersions(imageName, from, to) : undefined,
    [api, imageName, from, to],
  );
  return { comparison: value, loading, error, retry };
}
