import { useApi } from '@backstage/core-plugin-api';
import { imageFactoryApiRef } from '../api';
import { useLifecycleSignal } from './useLifecycleSignal';
import { useReloadable } from './useReloadable';

/**
 * Loads the factory-wide lifecycle overview (of one owner when given), and
 * loads it again when any image's stages change.
 */
export function useLifecycleOverview(owner?: string) {
  const api = useApi(imageFactoryApiRef);
  const state = useReloadable(
    () => api.getLifecycleOverview(owner ? { owner } : {}),
    [api, owner],
  );
  useLifecycleSignal(state.reload);
  return state;
}
