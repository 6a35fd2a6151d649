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
import type {
  BuildLogLine,
  ImageStageVerification,
} from '@image-factory/plugin-image-factory-common';
import { logText, shortDigest } from '../ImageBuildsContent/format';
import { backendMessage } from '../ChangeRequestResult';
import { useVerificationLog } from './useVerificationLog';

function textOf(lines: BuildLogLine[], done: boolean): string {
  if (lines.length > 0) return logText(lines, true);
  return done ? 'No output.' : 'Waiting for output…';
}

/**
 * The log of one verification, every check on every platform, each line
 * prefixed by its platform; followed while the checks still run.
 */
export function VerificationLogDialog(props: {
  image: string;
  verification: ImageStageVerification;
  onClose: () => void;
}) {
  const { image, verification, onClose } = props;
  const { lines, done, error } = useVerificationLog(image, verification.id);
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="lg">
      <DialogTitle>
        Checks of {shortDigest(verification.digest)} for {verification.stage}
      </DialogTitle>
      <DialogContent>
        {!done && !error && <LinearProgress aria-label="Checks running" />}
        {error && (
          <WarningPanel
            severity="error"
            title="Could not read the log"
            message={backendMessage(error)}
          />
        )}
        <Box height={420} mt={1}>
          <LogViewer text={textOf(lines, done)} />
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
