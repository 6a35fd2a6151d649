import { Typography } from '@material-ui/core';
import type { WatchedImageStatus } from '@image-factory/plugin-image-factory-common';
import { explainTrackingError } from './explainTrackingError';

/**
 * The last failed check of a watched reference, explained: calm grey text
 * for what is expected here, red for what someone must fix; the backend's
 * own words on hover.
 */
export function TrackingProblem(props: {
  row: Pick<WatchedImageStatus, 'reference' | 'lastError' | 'builtBy'>;
}) {
  const explained = explainTrackingError(props.row);
  if (!explained) return null;
  return (
    <Typography
      variant="body2"
      color={explained.tone === 'error' ? 'error' : 'textSecondary'}
      title={explained.detail}
      data-tone={explained.tone}
    >
      {explained.summary}
    </Typography>
  );
}
