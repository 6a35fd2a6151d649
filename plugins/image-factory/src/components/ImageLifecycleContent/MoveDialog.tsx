import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  MenuItem,
  TextField,
} from '@material-ui/core';

/** A digest the user may pick, with what names it (run, tag, date). */
export interface DigestChoice {
  digest: string;
  label: string;
}

/**
 * Asks for a reason before a promotion or a rollback; with `choices`, also
 * which digest (the first stage takes a build the factory made).
 */
export function MoveDialog(props: {
  title: string;
  description: string;
  submitLabel: string;
  choices?: DigestChoice[];
  onSubmit(request: { digest?: string; reason?: string }): Promise<void>;
  onClose(): void;
}) {
  const { title, description, submitLabel, choices, onSubmit, onClose } = props;
  const [digest, setDigest] = useState(choices?.[0]?.digest ?? '');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    try {
      await onSubmit({
        digest: choices ? digest : undefined,
        reason: reason.trim() || undefined,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="sm">
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{description}</DialogContentText>
        {choices && (
          <TextField
            id="stage-move-version"
            select
            fullWidth
            margin="dense"
            label="Version"
            value={digest}
            onChange={e => setDigest(e.target.value)}
            helperText={
              choices.length === 0
                ? 'No build of this image has succeeded yet.'
                : undefined
            }
          >
            {choices.map(c => (
              <MenuItem key={c.digest} value={c.digest}>
                {c.label}
              </MenuItem>
            ))}
          </TextField>
        )}
        <TextField
          id="stage-move-reason"
          fullWidth
          margin="dense"
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          inputProps={{ maxLength: 500 }}
          multiline
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={busy || (choices !== undefined && !digest)}
        >
          {submitLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
