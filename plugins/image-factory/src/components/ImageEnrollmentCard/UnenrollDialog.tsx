import { useState } from 'react';
import {
  Dialog,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@material-ui/core';
import { RELATION_DEPENDENCY_OF } from '@backstage/catalog-model';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import type { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import {
  ChangeRequestDialogActions,
  ChangeRequestDialogTail,
} from './ChangeRequestDialogParts';

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
  // The images built FROM it, as the catalog relates them.
  const dependents = (image.relations ?? [])
    .filter(r => r.type === RELATION_DEPENDENCY_OF)
    .map(r => r.targetRef);

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
          is archived with its builds (Archived images, on the Image Factory
          page) and comes back if it is enrolled again.
        </DialogContentText>
        {dependents.length > 0 && (
          <DialogContentText data-testid="unenroll-dependents">
            Built FROM it: <EntityRefLinks entityRefs={dependents} />. They keep
            building FROM its last push of <code>{image.spec.reference}</code>,
            which the factory then only watches and no longer rebuilds.
          </DialogContentText>
        )}
        <ChangeRequestDialogTail
          id="unenroll-reason"
          request={request}
          reason={reason}
          onReason={setReason}
          action="un-enroll"
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
