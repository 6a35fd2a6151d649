import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';

/** How often a running verification's log is read again. */
const POLL_MS = 2000;

/**
 * A verification's log, read page after page and again every two seconds
 * until the verification has ended, so a running check's output shows as
 * it comes.
 */
export function useVerificationLog(name: string, id: string) {
  const api = useApi(imageFactoryApiRef);
  const [lines, setLines] = useState<BuildLogLine[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<Error>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let after = 0;
    const read = async () => {
      try {
        const page = await api.getVerificationLogs(name, id, { after });
        if (stopped) return;
        if (page.items.length > 0) {
          after = page.items[page.items.length - 1].seq;
          setLines(previous => [...previous, ...page.items]);
        }
        if (page.done) {
          setDone(true);
          return;
        }
        timer = setTimeout(read, page.items.length > 0 ? 0 : POLL_MS);
      } catch (e) {
        if (!stopped) setError(e as Error);
      }
    };
    read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, name, id]);

  return { lines, done, error };
}
