import { useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControlLabel,
  List,
  ListItem,
  ListItemText,
  TextField,
} from '@material-ui/core';
import { WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import type { EmergencyRebuildResponse } from '@image-factory/plugin-image-factory-common';
import { useEmergencyRebuild } from '../../hooks/useRebuilds';
import { backendMessage } from '../ChangeRequestResult';
import { BuildStatusChip } from '../ImageBuildsContent/BuildStatusChip';

/** The contract's minimum, checked here so an empty one is never sent. */
const MIN_JUSTIFICATION = 3;

function titleOf(error: Error): string {
  switch (error instanceof ResponseError ? error.statusCode : undefined) {
    case 400:
      return 'The emergency rebuild request is not valid';
    case 403:
      return 'Not allowed to trigger an emergency rebuild';
    case 404:
      return 'The factory does not know this image';
    default:
      return 'Could not trigger the emergency rebuild';
  }
}

function QueuedRuns(props: { response: EmergencyRebuildResponse }) {
  return (
    <Box role="status">
      <DialogContentText>
        Queued {props.response.runs.length} run
        {props.response.runs.length === 1 ? '' : 's'}, in order:
      </DialogContentText>
      <List dense aria-label="Queued runs">
        {props.response.runs.map(run => (
          <ListItem key={run.id} disableGutters>
            <Box mr={1}>
              <BuildStatusChip status={run.status} />
            </Box>
            <ListItemText primary={run.imageName} secondary={run.id} />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}

/**
 * The emergency rebuild dialog: a justification (required) and whether the
 * images built FROM this one are rebuilt too; then the queued runs, or the
 * backend's refusal.
 */
export function EmergencyRebuildDialog(props: {
  imageName: string;
  open: boolean;
  onClose: () => void;
  onQueued: (response: EmergencyRebuildResponse) => void;
}) {
  const { imageName, open, onClose, onQueued } = props;
  const [justification, setJustification] = useState('');
  const [cascade, setCascade] = useState(false);
  const [touched, setTouched] = useState(false);
  const request = useEmergencyRebuild(imageName);
  const invalid = justification.trim().length < MIN_JUSTIFICATION;
  const done = !!request.value && !request.loading;

  const submit = async () => {
    setTouched(true);
    if (invalid) {
      return;
    }
    const result = await request.send({
      justification: justification.trim(),
      cascade,
    });
    if (!(result instanceof Error)) {
      onQueued(result);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby="emergency-rebuild-title"
      fullWidth
    >
      <DialogTitle id="emergency-rebuild-title">
        Emergency rebuild of {imageName}
      </DialogTitle>
      <DialogContent>
        {done ? (
          <QueuedRuns response={request.value!} />
        ) : (
          <>
            <DialogContentText>
              Rebuilds now, skipping the rebuild delay, e.g. for a critical CVE.
              The justification is recorded in the image's audit trail.
            </DialogContentText>
            <TextField
              id="emergency-rebuild-justification"
              label="Justification"
              placeholder="CVE-2026-1234, or a sentence"
              required
              fullWidth
              multiline
              minRows={2}
              value={justification}
              onChange={e => setJustification(e.target.value)}
              onBlur={() => setTouched(true)}
              error={touched && invalid}
              helperText={
                touched && invalid
                  ? 'Justification is required: a CVE id such as CVE-2026-1234 or a sentence'
                  : 'A CVE id or a sentence; audited'
              }
              disabled={request.loading}
              inputProps={{ maxLength: 2000 }}
              variant="outlined"
              margin="normal"
            />
            <FormControlLabel
              control={
                <Checkbox
                  checked={cascade}
                  onChange={e => setCascade(e.target.checked)}
                  disabled={request.loading}
                  color="primary"
                />
              }
              label="Also rebuild every image built FROM it"
            />
            {request.error && !request.loading && (
              <Box mt={2}>
                <WarningPanel
                  severity="error"
                  defaultExpanded
                  title={titleOf(request.error)}
                  message={backendMessage(request.error)}
                />
              </Box>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{done ? 'Close' : 'Cancel'}</Button>
        {!done && (
          <Button
            variant="contained"
            color="secondary"
            onClick={submit}
            disabled={request.loading}
          >
            {request.loading ? 'Queueing…' : 'Rebuild now'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
