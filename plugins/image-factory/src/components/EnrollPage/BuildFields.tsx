import {
  Checkbox,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  FormLabel,
  Grid,
  Switch,
  TextField,
} from '@material-ui/core';
import { SUPPORTED_PLATFORMS } from '@image-factory/plugin-image-factory-common';
import {
  unbuiltPlatforms,
  type EnrollFormValues,
  type FieldErrors,
  type FormField,
} from './enrollForm';

type Change = <K extends FormField>(
  field: K,
  value: EnrollFormValues[K],
) => void;

/**
 * A checkbox per platform the factory can build for, and, once the backend
 * said that no executor builds some of them yet, a box to confirm them.
 */
export function PlatformFields(props: {
  values: EnrollFormValues;
  errors: FieldErrors;
  onChange: Change;
  disabled?: boolean;
}) {
  const { values, errors, onChange, disabled } = props;
  const unbuilt = unbuiltPlatforms(errors.platforms);
  // The API's own words for the flag mean nothing here: the box below is it.
  const message = errors.platforms?.replace(
    /: confirm with acceptUnbuiltPlatforms: true to list it anyway/g,
    '',
  );
  const toggle = (platform: string, checked: boolean) =>
    onChange(
      'platforms',
      // Keep the order of SUPPORTED_PLATFORMS, so the entry reads the same
      // whatever order the boxes were ticked in.
      SUPPORTED_PLATFORMS.filter(p =>
        p === platform ? checked : values.platforms.includes(p),
      ),
    );
  return (
    <FormControl component="fieldset" error={!!errors.platforms} required>
      <FormLabel component="legend">Platforms</FormLabel>
      <FormGroup row>
        {SUPPORTED_PLATFORMS.map(platform => (
          <FormControlLabel
            key={platform}
            label={platform}
            disabled={disabled}
            control={
              <Checkbox
                checked={values.platforms.includes(platform)}
                onChange={e => toggle(platform, e.target.checked)}
                color="primary"
              />
            }
          />
        ))}
      </FormGroup>
      <FormHelperText>
        {message ??
          'Built (managed) or watched (base, external) for each platform ticked'}
      </FormHelperText>
      {(unbuilt.length > 0 || values.acceptUnbuiltPlatforms) && (
        <FormControlLabel
          disabled={disabled}
          label={`No executor builds ${
            unbuilt.length > 0 ? unbuilt.join(', ') : 'some of these'
          } yet: enroll anyway (those builds wait until an executor for them is configured)`}
          control={
            <Checkbox
              name="acceptUnbuiltPlatforms"
              checked={values.acceptUnbuiltPlatforms}
              onChange={e =>
                onChange('acceptUnbuiltPlatforms', e.target.checked)
              }
              color="primary"
            />
          }
        />
      )}
    </FormControl>
  );
}

/** Whether and when the image is rebuilt after a base image changes. */
export function RebuildFields(props: {
  values: EnrollFormValues;
  errors: FieldErrors;
  onChange: Change;
  disabled?: boolean;
}) {
  const { values, errors, onChange, disabled } = props;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <FormControl error={!!errors.rebuildAuto}>
          <FormControlLabel
            label="Rebuild automatically when a base image changes"
            disabled={disabled}
            control={
              <Switch
                checked={values.rebuildAuto}
                onChange={e => onChange('rebuildAuto', e.target.checked)}
                color="primary"
              />
            }
          />
          {errors.rebuildAuto && (
            <FormHelperText>{errors.rebuildAuto}</FormHelperText>
          )}
        </FormControl>
      </Grid>
      <Grid item xs={12} md={6}>
        <TextField
          id="rebuild-delay"
          label="Rebuild delay"
          value={values.rebuildDelay}
          onChange={e => onChange('rebuildDelay', e.target.value)}
          error={!!errors.rebuildDelay}
          helperText={
            errors.rebuildDelay ??
            "How long a new base digest must have been seen first, e.g. '1h' (default '0s')"
          }
          disabled={disabled || !values.rebuildAuto}
          fullWidth
          variant="outlined"
          margin="dense"
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <TextField
          id="rebuild-coalesce-window"
          label="Coalescing window"
          value={values.rebuildCoalesceWindow}
          onChange={e => onChange('rebuildCoalesceWindow', e.target.value)}
          error={!!errors.rebuildCoalesceWindow}
          helperText={
            errors.rebuildCoalesceWindow ??
            "Base changes within this quiet period make one rebuild (default '30m')"
          }
          disabled={disabled || !values.rebuildAuto}
          fullWidth
          variant="outlined"
          margin="dense"
        />
      </Grid>
    </Grid>
  );
}
