import { useApi } from '@backstage/core-plugin-api';
import { imageFactoryApiRef } from '../api';
import { useLifecycleSignal } from './useLifecycleSignal';
import { useReloadable } from './useReloadable';

/**
 * Loads an image's stages and moves, and loads them again when the backend
 * signals a change of this image's stages.
 */
export function useImageStages(name: string) {
  const api = useApi(imageFactoryApiRef);
  const state = useReloadable(() => api.listImageStages(name), [api, name]);
  useLifecycleSignal(state.reload, name);
  return state;
}
