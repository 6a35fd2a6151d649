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
  ChangeRequestError,
  ChangeRequestSuccess,
} from '../ChangeRequestResult';
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
        <TextField
          id="change-reason"
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
          <ChangeRequestError error={request.error} action="change" />
        )}
        {done && request.value && (
          <ChangeRequestSuccess response={request.value} />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{done ? 'Close' : 'Cancel'}</Button>
        {!done && (
          <Button
            color="primary"
            variant="contained"
            onClick={submit}
            disabled={request.loading}
          >
            {request.loading ? 'Opening pull request…' : 'Open pull request'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
