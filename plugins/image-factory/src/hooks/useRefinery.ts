import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { imageFactoryApiRef } from '../api';
import { useReloadable } from './useReloadable';

/** How often the page looks again while a run is active. */
const ACTIVE_POLL_MS = 2000;

/**
 * The refinery as the Refinery page shows it: the wheel sets, the runs, the
 * queue, the wheels and the chosen run; read again every two seconds while
 * a run is queued, planning or building.
 */
export function useRefinery(selectedRun?: string) {
  const api = useApi(imageFactoryApiRef);
  const state = useReloadable(async () => {
    const [sets, runs, queue, wheels] = await Promise.all([
      api.listWheelSets().catch((e: Error) => e),
      api.listRefineryRuns({ limit: 20 }),
      api.getRefineryQueue(),
      api.listRefineryWheels(),
    ]);
    const runId = selectedRun ?? runs.items[0]?.id;
    const run = runId ? await api.getRefineryRun(runId) : undefined;
    return { sets, runs: runs.items, queue, wheels: wheels.items, run };
  }, [api, selectedRun]);
  const { value, reload } = state;
  const active =
    value?.runs.some(r =>
      ['queued', 'planning', 'building'].includes(r.status),
    ) ?? false;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setTimeout(reload, ACTIVE_POLL_MS);
    return () => clearTimeout(timer);
  }, [active, value, reload]);
  return state;
}
