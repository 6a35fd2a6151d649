import { useApi } from '@backstage/core-plugin-api';
import type { ImageVersionListQuery } from '@image-factory/plugin-image-factory-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { imageFactoryApiRef } from '../api';

/**
 * Loads a page of an image's versions; it loads again when the query or
 * `refreshKey` changes, and every `staleIntervalMs` while the backend says
 * the list is stale (it lists the registry again in the background). The
 * previous page stays in `list` while the next one loads.
 */
export function useImageVersions(
  imageName: string,
  query: Partial<ImageVersionListQuery>,
  options: { refreshKey?: unknown; staleIntervalMs?: number } = {},
) {
  const api = useApi(imageFactoryApiRef);
  const { cursor, limit, sort, q, hideMachineTags } = query;
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.listImageVersions(imageName, {
        cursor,
        limit,
        sort,
        q,
        hideMachineTags,
      }),
    [
      api,
      imageName,
      cursor,
      limit,
      sort,
      q,
      hideMachineTags,
      options.refreshKey,
    ],
  );
  const stale = value?.source.state === 'stale';
  useInterval(
    retry,
    stale && options.staleIntervalMs ? options.staleIntervalMs : null,
  );
  return { list: value, loading, error, retry };
}

/** "Refresh": lists the image's tags in the registry again. */
export function useRefreshImageVersions(imageName: string) {
  const api = useApi(imageFactoryApiRef);
  const [state, refresh] = useAsyncFn(
    () => api.refreshImageVersions(imageName),
    [api, imageName],
  );
  return { ...state, refresh };
}
