import { useApi } from '@backstage/core-plugin-api';
import type { EmergencyRebuildRequest } from '@image-factory/plugin-image-factory-common';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { imageFactoryApiRef } from '../api';

/** Loads the dependency graph once; `retry()` loads it again. */
export function useDependencyGraph() {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getGraph(),
    [api],
  );
  return { graph: value, loading, error, retry };
}

/** The predicted cascade of a node, loaded when the node changes. */
export function useCascade(node: string | undefined) {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error } = useAsync(
    async () => (node ? api.getCascade(node) : undefined),
    [api, node],
  );
  return { cascade: value?.node === node ? value : undefined, loading, error };
}

/** The upcoming rebuilds, loaded again every `refreshIntervalMs`. */
export function useUpcomingRebuilds(refreshIntervalMs: number) {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listUpcomingRebuilds(),
    [api],
  );
  useInterval(retry, refreshIntervalMs > 0 ? refreshIntervalMs : null);
  return { rebuilds: value?.items, loading, error, retry };
}

/** An image's audit trail; it loads again when `refreshKey` changes. */
export function useAuditTrail(imageName: string, refreshKey?: unknown) {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listAudit(imageName),
    [api, imageName, refreshKey],
  );
  return { events: value?.items, loading, error, retry };
}

/** Emergency rebuild of one image: `send` posts it, `state` holds the outcome. */
export function useEmergencyRebuild(imageName: string) {
  const api = useApi(imageFactoryApiRef);
  const [state, send] = useAsyncFn(
    (request: EmergencyRebuildRequest) =>
      api.emergencyRebuild(imageName, request),
    [api, imageName],
  );
  return { ...state, send };
}
