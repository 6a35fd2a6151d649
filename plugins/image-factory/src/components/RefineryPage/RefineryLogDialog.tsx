import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
} from '@material-ui/core';
import { LogViewer, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { imageFactoryApiRef } from '../../api';
import { usePolledLog } from '../../hooks/usePolledLog';
import { backendMessage } from '../ChangeRequestResult';
import { logText } from '../ImageBuildsContent/format';

/**
 * The log of one refinery build (`kind: 'jobs'`) or of a run's plan
 * (`kind: 'runs'`), followed while it is written.
 */
export function RefineryLogDialog(props: {
  kind: 'jobs' | 'runs';
  id: string;
  title: string;
  onClose: () => void;
}) {
  const { kind, id, title, onClose } = props;
  const api = useApi(imageFactoryApiRef);
  const { lines, done, error } = usePolledLog(
    after => api.getRefineryLogs(kind, id, { after }),
    [api, kind, id],
  );
  let text = 'Waiting for output…';
  if (lines.length > 0) text = logText(lines, false);
  else if (done) text = 'No output.';
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="lg">
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {!done && !error && <LinearProgress aria-label="Still running" />}
        {error && (
          <WarningPanel
            severity="error"
            title="Could not read the log"
            message={backendMessage(error)}
          />
        )}
        <Box height={420} mt={1}>
          <LogViewer text={text} />
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
