import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { imageFactoryApiRef } from '../../api';
import { shortDigest, when } from '../ImageBuildsContent/format';
import type { DigestChoice } from './MoveDialog';

/**
 * The versions the first stage may take: the index digests of the image's
 * succeeded runs, newest first, each once.
 */
export function useBuildChoices(name: string) {
  const api = useApi(imageFactoryApiRef);
  return useAsyncRetry(async () => {
    const { items } = await api.listBuilds(name, { limit: 50 });
    const seen = new Set<string>();
    return items.flatMap((run): DigestChoice[] => {
      if (run.status !== 'succeeded' || !run.indexDigest) return [];
      if (seen.has(run.indexDigest)) return [];
      seen.add(run.indexDigest);
      const tag = run.versionTag ? ` ${run.versionTag}` : '';
      return [
        {
          digest: run.indexDigest,
          label: `${shortDigest(run.indexDigest)}${tag} (${when(
            run.finishedAt ?? run.createdAt,
          )})`,
        },
      ];
    });
  }, [api, name]);
}
