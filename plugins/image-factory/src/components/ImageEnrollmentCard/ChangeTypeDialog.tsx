import { useState } from 'react';
import {
  Dialog,
  DialogContent,
  DialogContentText,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  ChangeImageRequest,
  IMAGE_TYPES,
  ImageEntityV1alpha1,
  ImageType,
  imageSourceSchema,
  parseFields,
} from '@image-factory/plugin-image-factory-common';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import {
  ChangeRequestDialogActions,
  ChangeRequestDialogTail,
} from './ChangeRequestDialogParts';
import {
  SOURCE_DEFAULTS,
  SourceFields,
  SourceValues,
  toSourceEntry,
} from '../SourceFields';

/**
 * The changes for a new type. An external image is only watched, so its
 * source goes; an image without one that becomes managed gets the source
 * typed in the dialog (a base image may stay without).
 */
function typeChanges(
  type: ImageType,
  hadSource: boolean,
  source: SourceValues,
): ChangeImageRequest['changes'] {
  if (type === 'external') {
    return hadSource ? { type, source: null } : { type };
  }
  if (!hadSource && (type === 'managed' || source.repo.trim())) {
    return { type, source: toSourceEntry(source) };
  }
  return { type };
}

/** Asks for a pull request that changes an image's type. */
export function ChangeTypeDialog(props: {
  image: ImageEntityV1alpha1;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { image, open, onClose, onDone } = props;
  const current = image.spec.type;
  const hadSource = !!image.spec.source;
  const [type, setType] = useState<ImageType>(
    IMAGE_TYPES.find(t => t !== current) ?? 'managed',
  );
  const [source, setSource] = useState<SourceValues>(SOURCE_DEFAULTS);
  const [reason, setReason] = useState('');
  const [sourceErrors, setSourceErrors] = useState<
    Partial<Record<keyof SourceValues, string>>
  >({});
  const request = useChangeRequest();
  const needsSource = !hadSource && type !== 'external';
  const done = !!request.value && !request.loading;

  const submit = async () => {
    const changes = typeChanges(type, hadSource, source);
    if (changes.source) {
      const checked = parseFields(imageSourceSchema, changes.source);
      if (!checked.success) {
        setSourceErrors(
          Object.fromEntries(checked.issues.map(i => [i.path, i.message])),
        );
        return;
      }
    }
    setSourceErrors({});
    const trimmed = reason.trim();
    const result = await request.send(api =>
      api.changeImage(image.metadata.name, {
        changes,
        ...(trimmed ? { reason: trimmed } : {}),
      }),
    );
    if (!(result instanceof Error)) onDone();
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Change the type of {image.metadata.name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Opens a pull request that changes the entry in images.yaml. The builds
          and digests stay with the image.
        </DialogContentText>
        <TextField
          select
          id="change-type"
          label="New type"
          value={type}
          onChange={e => setType(e.target.value as ImageType)}
          disabled={request.loading || done}
          helperText={
            type === 'external' && hadSource
              ? 'An external image is only watched: its source is removed'
              : `Now ${current}`
          }
          fullWidth
          variant="outlined"
          margin="dense"
        >
          {IMAGE_TYPES.map(t => (
            <MenuItem key={t} value={t} disabled={t === current}>
              {t}
            </MenuItem>
          ))}
        </TextField>
        {needsSource && (
          <>
            <Typography variant="subtitle2">Source</Typography>
            <SourceFields
              values={source}
              errors={sourceErrors}
              onChange={(field, value) =>
                setSource(s => ({ ...s, [field]: value }))
              }
              required={type === 'managed'}
              disabled={request.loading || done}
            />
          </>
        )}
        <ChangeRequestDialogTail
          id="change-reason"
          request={request}
          reason={reason}
          onReason={setReason}
          action="change"
        />
      </DialogContent>
      <ChangeRequestDialogActions
        request={request}
        submitLabel="Open pull request"
        submitColor="primary"
        onSubmit={submit}
        onClose={onClose}
      />
    </Dialog>
  );
}
