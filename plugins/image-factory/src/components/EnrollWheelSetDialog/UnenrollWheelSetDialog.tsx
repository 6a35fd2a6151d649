import { useState } from 'react';
import {
  Dialog,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@material-ui/core';
import type {
  EnrollmentResponse,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import {
  ChangeRequestDialogActions,
  ChangeRequestDialogTail,
} from '../ImageEnrollmentCard/ChangeRequestDialogParts';
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
        <ChangeRequestDialogTail
          id="unenroll-wheel-set-reason"
          request={request}
          reason={reason}
          onReason={setReason}
          action="un-enroll"
          renderError={error => (
            <WheelSetRequestError
              error={error}
              action="un-enroll"
              name={name}
            />
          )}
        />
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
