import { DependencyList, useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * `useAsync` with a `reload()` that always loads again, unlike
 * `useAsyncRetry`'s `retry()`, which does nothing while a load is in flight:
 * a change signalled during a load must not be lost. The value stays while
 * it reloads, and only the newest load's answer is kept.
 */
export function useReloadable<T>(fn: () => Promise<T>, deps: DependencyList) {
  const [attempt, setAttempt] = useState(0);
  const state = useAsync(fn, [...deps, attempt]);
  const reload = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, reload };
}
