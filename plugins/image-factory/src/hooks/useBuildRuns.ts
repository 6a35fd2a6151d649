import { useApi } from '@backstage/core-plugin-api';
import type { BuildRun } from '@image-factory/plugin-image-factory-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { imageFactoryApiRef } from '../api';

/** The runs listed at most; the newest come first. */
const RUN_LIMIT = 50;

/** True while a run waits in the queue or builds. */
export const isActiveRun = (run: Pick<BuildRun, 'status'>) =>
  run.status === 'queued' || run.status === 'running';

/**
 * Loads an image's build runs, newest first; they load again when
 * `refreshKey` changes, on `retry()`, and every `refreshIntervalMs` while
 * any of them is queued or running.
 */
export function useBuildRuns(
  imageName: string,
  options: { refreshIntervalMs: number; refreshKey?: unknown },
) {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listBuilds(imageName, { limit: RUN_LIMIT }),
    [api, imageName, options.refreshKey],
  );
  const active = value?.items.some(isActiveRun) ?? false;
  useInterval(retry, active ? options.refreshIntervalMs : null);
  return { runs: value?.items, loading, error, retry };
}
