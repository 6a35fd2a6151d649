import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type {
  BuildLogLine,
  BuildRun,
} from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../api';

/** What is known of a followed run's log. */
export interface BuildLogState {
  /** The lines received so far, in order. */
  lines: BuildLogLine[];
  /** The run as last sent on the stream, when it sent one. */
  run?: BuildRun;
  /** True once the run has finished and every line is in. */
  ended: boolean;
  /** Why the log can no longer be followed. */
  error?: Error;
}

const EMPTY: BuildLogState = { lines: [], ended: false };

/**
 * Follows a run's log from its first line: live while it runs, at once when
 * it has finished. Following starts again when `runId` changes; `onEnd` is
 * called when the run has finished.
 */
export function useBuildLog(
  runId: string | undefined,
  onEnd?: () => void,
): BuildLogState {
  const api = useApi(imageFactoryApiRef);
  // Keyed by run, so that a newly selected run never shows the last one's log.
  const [state, setState] = useState<BuildLogState & { runId?: string }>(EMPTY);
  // The latest callback, without following the log again when it changes.
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  useEffect(() => {
    setState({ ...EMPTY, runId });
    if (!runId) {
      return undefined;
    }
    const update = (change: (s: BuildLogState) => Partial<BuildLogState>) =>
      setState(s => (s.runId === runId ? { ...s, ...change(s) } : s));
    return api.streamBuildLogs(runId, {
      onLine: line => update(s => ({ lines: [...s.lines, line] })),
      onRun: run => update(() => ({ run })),
      onEnd: () => {
        update(() => ({ ended: true }));
        onEndRef.current?.();
      },
      onError: error => update(() => ({ error })),
    });
  }, [api, runId]);

  return state.runId === runId ? state : EMPTY;
}
