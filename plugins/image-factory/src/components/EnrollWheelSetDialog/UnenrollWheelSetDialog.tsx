import { useState } from 'react';
import {
  Dialog,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import type {
  EnrollmentResponse,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import { ChangeRequestSuccess } from '../ChangeRequestResult';
import { ChangeRequestDialogActions } from '../ImageEnrollmentCard/ChangeRequestDialogParts';
import { WheelSetRequestError } from './WheelSetRequestError';

/**
 * Confirms, then asks for a pull request that removes a wheel set from
 * wheels.yaml, with an optional reason for its reviewers.
 */
export function UnenrollWheelSetDialog(props: {
  set: WheelSet;
  open: boolean;
  onClose: () => void;
  /** Called with the pull request once it is open (or reused). */
  onOpened?: (response: EnrollmentResponse) => void;
}) {
  const { set, open, onClose, onOpened } = props;
  const { name } = set;
  const [reason, setReason] = useState('');
  const request = useChangeRequest();
  const done = !!request.value && !request.loading;
  const submit = async () => {
    const trimmed = reason.trim();
    const result = await request.send(api =>
      api.unenrollWheelSet(name, trimmed ? { reason: trimmed } : {}),
    );
    // useAsyncFn resolves with the error when the request fails.
    if (result && !(result instanceof Error)) onOpened?.(result);
  };
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Un-enroll {name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Opens a pull request that removes the wheel set {name} from
          wheels.yaml. Once a reviewer merges it, the refinery no longer lists
          or runs the set.
        </DialogContentText>
        <TextField
          id="unenroll-wheel-set-reason"
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
          <WheelSetRequestError
            error={request.error}
            action="un-enroll"
            name={name}
          />
        )}
        {done && request.value && (
          <ChangeRequestSuccess response={request.value} />
        )}
      </DialogContent>
      <ChangeRequestDialogActions
        request={request}
        submitLabel="Un-enroll"
        submitColor="secondary"
        onSubmit={submit}
        onClose={onClose}
      />
    </Dialog>
  );
}
