import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { imageFactoryApiRef } from '../api';

/** The registry request budgets, loaded again every `refreshIntervalMs`. */
export function useRegistryBudgets(refreshIntervalMs: number) {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listRegistryBudgets(),
    [api],
  );
  useInterval(retry, refreshIntervalMs > 0 ? refreshIntervalMs : null);
  return { budgets: value, loading, error, retry };
}
