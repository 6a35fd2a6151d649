import { useApi } from '@backstage/core-plugin-api';
import type { EnrollmentState } from '@image-factory/plugin-image-factory-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { imageFactoryApiRef } from '../api';

/**
 * Loads the change requests, newest first, in one state or all of them; they
 * load again when `refreshKey` changes or on `retry()`.
 */
export function useEnrollments(state?: EnrollmentState, refreshKey?: unknown) {
  const api = useApi(imageFactoryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listEnrollments(state ? { state } : {}),
    [api, state, refreshKey],
  );
  return { enrollments: value?.items, loading, error, retry };
}
