import { ReactNode } from 'react';
import { Button, DialogActions, TextField } from '@material-ui/core';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import {
  ChangeRequestError,
  ChangeRequestSuccess,
} from '../ChangeRequestResult';

type ChangeRequest = ReturnType<typeof useChangeRequest>;

/**
 * What every change-request dialog ends with: the optional reason, the
 * outcome (error panel or pull request link), and Cancel/Close plus submit.
 */
export function ChangeRequestDialogTail(props: {
  id: string;
  request: ChangeRequest;
  reason: string;
  onReason: (reason: string) => void;
  /** The verb of error titles, e.g. `un-enroll`. */
  action: string;
  /** Shows a refusal its own way (a wheel set's); default: the backend's message. */
  renderError?: (error: Error) => ReactNode;
}) {
  const { request } = props;
  const done = !!request.value && !request.loading;
  return (
    <>
      <TextField
        id={props.id}
        label="Reason"
        value={props.reason}
        onChange={e => props.onReason(e.target.value)}
        disabled={request.loading || done}
        helperText="Why; reviewers read it in the pull request (optional)"
        multiline
        fullWidth
        variant="outlined"
        margin="dense"
      />
      {request.error &&
        !request.loading &&
        (props.renderError?.(request.error) ?? (
          <ChangeRequestError error={request.error} action={props.action} />
        ))}
      {done && request.value && (
        <ChangeRequestSuccess response={request.value} />
      )}
    </>
  );
}

/** Cancel (Close once done) and the submit button, which shows progress. */
export function ChangeRequestDialogActions(props: {
  request: ChangeRequest;
  submitLabel: string;
  submitColor: 'primary' | 'secondary';
  onSubmit: () => void;
  onClose: () => void;
}) {
  const { request } = props;
  const done = !!request.value && !request.loading;
  return (
    <DialogActions>
      <Button onClick={props.onClose}>{done ? 'Close' : 'Cancel'}</Button>
      {!done && (
        <Button
          color={props.submitColor}
          variant="contained"
          onClick={props.onSubmit}
          disabled={request.loading}
        >
          {request.loading ? 'Opening pull request…' : props.submitLabel}
        </Button>
      )}
    </DialogActions>
  );
}
