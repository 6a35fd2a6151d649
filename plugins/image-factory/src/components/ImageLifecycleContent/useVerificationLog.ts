import { useApi } from '@backstage/core-plugin-api';
import { imageFactoryApiRef } from '../../api';
import { usePolledLog } from '../../hooks/usePolledLog';

/**
 * A verification's log, read page after page and again every two seconds
 * until the verification has ended, so a running check's output shows as
 * it comes.
 */
export function useVerificationLog(name: string, id: string) {
  const api = useApi(imageFactoryApiRef);
  return usePolledLog(
    after => api.getVerificationLogs(name, id, { after }),
    [api, name, id],
  );
}
