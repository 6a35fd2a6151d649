import { DependencyList, useEffect, useState } from 'react';
import type {
  BuildLogLine,
  BuildLogPage,
} from '@image-factory/plugin-image-factory-common';

/** How often a log that is still written is read again. */
const POLL_MS = 2000;

/**
 * A log read page after page, and again every two seconds until the page
 * says `done`, so that output shows as it comes (stage verifications,
 * refinery builds and plans). `deps` name what the log is of.
 */
export function usePolledLog(
  read: (after: number) => Promise<BuildLogPage>,
  deps: DependencyList,
) {
  const [lines, setLines] = useState<BuildLogLine[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<Error>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let after = 0;
    setLines([]);
    setDone(false);
    setError(undefined);
    const next = async () => {
      try {
        const page = await read(after);
        if (stopped) return;
        if (page.items.length > 0) {
          after = page.items[page.items.length - 1].seq;
          setLines(previous => [...previous, ...page.items]);
        }
        if (page.done) {
          setDone(true);
          return;
        }
        timer = setTimeout(next, page.items.length > 0 ? 0 : POLL_MS);
      } catch (e) {
        if (!stopped) setError(e as Error);
      }
    };
    next();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // `read` is a new function on every render; what it reads is in `deps`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { lines, done, error };
}
