import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { imageFactoryApiRef } from '../api';

/** One build run by id, loaded once; nothing is loaded without an id. */
export function useBuildRun(id: string | undefined) {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error } = useAsync(
    async () => (id ? api.getBuild(id) : undefined),
    [api, id],
  );
  return { run: value, loading, error };
}
