import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  LIFECYCLE_SIGNAL_CHANNEL,
  LifecycleSignal,
} from '@image-factory/plugin-image-factory-common';

/**
 * Calls `onChange` when the backend signals a change of the stages or stage
 * moves of `imageName` (of any image when it is absent), so that a second
 * browser sees a promotion within a second. Without the signals plugin in
 * the app it never calls. It also calls when the page becomes visible again
 * or the browser comes back online: signals sent while the page slept or
 * the connection was down are not replayed.
 */
export function useLifecycleSignal(onChange: () => void, imageName?: string) {
  const { lastSignal } = useSignal<LifecycleSignal>(LIFECYCLE_SIGNAL_CHANNEL);
  // The latest callback, without resubscribing when it changes.
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (!lastSignal) return;
    if (imageName && lastSignal.imageName !== imageName) return;
    callback.current();
  }, [lastSignal, imageName]);
  useEffect(() => {
    const catchUp = () => {
      if (document.visibilityState === 'visible') callback.current();
    };
    document.addEventListener('visibilitychange', catchUp);
    window.addEventListener('online', catchUp);
    return () => {
      document.removeEventListener('visibilitychange', catchUp);
      window.removeEventListener('online', catchUp);
    };
  }, []);
}
