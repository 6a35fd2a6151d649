import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import type { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import {
  ChangeRequestError,
  ChangeRequestSuccess,
} from '../ChangeRequestResult';

/** Confirms, then asks for a pull request that removes an image. */
export function UnenrollDialog(props: {
  image: ImageEntityV1alpha1;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { image, open, onClose, onDone } = props;
  const name = image.metadata.name;
  const [reason, setReason] = useState('');
  const request = useChangeRequest();
  const done = !!request.value && !request.loading;

  const submit = async () => {
    const trimmed = reason.trim();
    const result = await request.send(api =>
      api.unenrollImage(name, trimmed ? { reason: trimmed } : {}),
    );
    if (!(result instanceof Error)) onDone();
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Un-enroll {name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Opens a pull request that removes {name} from images.yaml. Once it is
          merged, the factory stops building and watching the image; its history
          is archived and comes back if it is enrolled again.
        </DialogContentText>
        <TextField
          id="unenroll-reason"
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          disabled={request.loading || done}
          helperText="Why; reviewers read it in the pull request (optional)"
          multiline
          fullWidth
          variant="outlined"
          margin="dense"
        />
        {request.error && !request.loading && (
          <ChangeRequestError error={request.error} action="un-enroll" />
        )}
        {done && request.value && (
          <ChangeRequestSuccess response={request.value} />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{done ? 'Close' : 'Cancel'}</Button>
        {!done && (
          <Button
            color="secondary"
            variant="contained"
            onClick={submit}
            disabled={request.loading}
          >
            {request.loading ? 'Opening pull request…' : 'Un-enroll'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
