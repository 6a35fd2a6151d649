import { FormEvent, useEffect, useMemo, useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  FormLabel,
  Grid,
  TextField,
} from '@material-ui/core';
import { ResponseError } from '@backstage/errors';
import type { EnrollmentResponse } from '@image-factory/plugin-image-factory-common';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import { useDefaultOwner } from '../../hooks/useDefaultOwner';
import {
  backendMessage,
  ChangeRequestError,
  ChangeRequestSuccess,
} from '../ChangeRequestResult';
import {
  backendFieldErrors,
  initialWheelSetValues,
  toEnrollWheelSetRequest,
  validateWheelSetForm,
  WHEEL_PLATFORMS,
  WheelSetField,
  WheelSetFormValues,
} from './wheelSetForm';

const LABELS: Record<WheelSetField, string> = {
  name: 'Name',
  owner: 'Owner',
  requirements: 'Requirements',
  python: 'Python',
  platforms: 'Platforms',
  builder: 'Builder image',
  upstream: 'Upstream index',
  description: 'Description',
  reason: 'Why (shown in the pull request)',
};

const HINTS: Partial<Record<WheelSetField, string>> = {
  name: 'Lowercase letters, digits and dashes',
  owner: 'A group or user, e.g. group:default/team-web',
  requirements: 'One PEP 508 requirement per line, e.g. MarkupSafe==2.1.2',
  python: 'The CPython tag of the wheels, e.g. cp311',
  builder: 'The image in images.yaml builds run in',
  upstream: 'The PEP 503 index the sdists come from',
};

/**
 * Asks for a new wheel set: a form checked as it is filled with the schema
 * of wheels.yaml, that opens a pull request adding the set; merging it is
 * the approval, after which the set can be run.
 */
export function EnrollWheelSetDialog(props: {
  open: boolean;
  onClose: () => void;
  onEnrolled?: (response: EnrollmentResponse) => void;
  /** Where the form starts from, e.g. the example's upstream. */
  defaults?: Partial<WheelSetFormValues>;
  /** The platforms the refinery has builders for; every known one when absent. */
  platforms?: string[];
}) {
  const { open, onClose, onEnrolled, defaults } = props;
  const offered =
    props.platforms && props.platforms.length > 0
      ? props.platforms
      : WHEEL_PLATFORMS;
  const [values, setValues] = useState<WheelSetFormValues>(() => ({
    ...initialWheelSetValues(offered),
    // A default that is not known (a set without a builder) stays the form's.
    ...Object.fromEntries(
      Object.entries(defaults ?? {}).filter(([, v]) => v !== undefined),
    ),
  }));
  const [touched, setTouched] = useState<Set<WheelSetField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const request = useChangeRequest();
  const defaultOwner = useDefaultOwner();

  useEffect(() => {
    if (defaultOwner) {
      setValues(v => (v.owner ? v : { ...v, owner: defaultOwner }));
    }
  }, [defaultOwner]);

  const validation = useMemo(() => validateWheelSetForm(values), [values]);
  const serverErrors = useMemo(() => {
    const error = request.error;
    if (!(error instanceof ResponseError) || error.statusCode !== 400) {
      return {};
    }
    return backendFieldErrors(backendMessage(error));
  }, [request.error]);
  const errorOf = (field: WheelSetField) =>
    submitted || touched.has(field)
      ? validation.fields[field] ?? serverErrors[field]
      : undefined;

  const set = <K extends WheelSetField>(
    field: K,
    value: WheelSetFormValues[K],
  ) => setValues(v => ({ ...v, [field]: value }));
  const touch = (field: WheelSetField) =>
    setTouched(t => (t.has(field) ? t : new Set(t).add(field)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!validation.valid) return;
    const result = await request.send(api =>
      api.enrollWheelSet(toEnrollWheelSetRequest(values)),
    );
    if (result) onEnrolled?.(result);
  };

  const text = (
    field: WheelSetField,
    extra: { multiline?: boolean; required?: boolean } = {},
  ) => (
    <TextField
      id={`wheel-set-${field}`}
      label={LABELS[field]}
      value={values[field]}
      onChange={e => set(field, e.target.value)}
      onBlur={() => touch(field)}
      error={!!errorOf(field)}
      helperText={errorOf(field) ?? HINTS[field]}
      required={extra.required}
      multiline={extra.multiline}
      minRows={extra.multiline ? 3 : undefined}
      fullWidth
      variant="outlined"
      margin="dense"
    />
  );

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth>
      <form onSubmit={submit} noValidate aria-label="Enroll a wheel set">
        <DialogTitle>Enroll a wheel set</DialogTitle>
        <DialogContent>
          <Grid container spacing={2}>
            <Grid item xs={12} sm={6}>
              {text('name', { required: true })}
            </Grid>
            <Grid item xs={12} sm={6}>
              {text('owner', { required: true })}
            </Grid>
            <Grid item xs={12}>
              {text('requirements', { multiline: true, required: true })}
            </Grid>
            <Grid item xs={12} sm={3}>
              {text('python', { required: true })}
            </Grid>
            <Grid item xs={12} sm={9}>
              <FormControl
                component="fieldset"
                error={!!errorOf('platforms')}
                margin="dense"
              >
                <FormLabel component="legend">Platforms</FormLabel>
                <FormGroup row>
                  {offered.map(platform => (
                    <FormControlLabel
                      key={platform}
                      label={platform}
                      control={
                        <Checkbox
                          checked={values.platforms.includes(platform)}
                          onChange={e => {
                            touch('platforms');
                            set(
                              'platforms',
                              e.target.checked
                                ? [...values.platforms, platform]
                                : values.platforms.filter(p => p !== platform),
                            );
                          }}
                        />
                      }
                    />
                  ))}
                </FormGroup>
                <FormHelperText>
                  {errorOf('platforms') ??
                    `Those the refinery has builders for; foreign ones build through QEMU`}
                </FormHelperText>
              </FormControl>
            </Grid>
            <Grid item xs={12} sm={4}>
              {text('builder', { required: true })}
            </Grid>
            <Grid item xs={12} sm={8}>
              {text('upstream')}
            </Grid>
            <Grid item xs={12}>
              {text('description')}
            </Grid>
            <Grid item xs={12}>
              {text('reason', { multiline: true })}
            </Grid>
            <Grid item xs={12}>
              {request.error && (
                <ChangeRequestError
                  error={request.error}
                  action="enroll"
                  subject="wheel-set"
                />
              )}
              {request.value && (
                <ChangeRequestSuccess response={request.value} />
              )}
            </Grid>
          </Grid>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>
            {request.value ? 'Close' : 'Cancel'}
          </Button>
          <Box position="relative">
            <Button
              type="submit"
              color="primary"
              variant="contained"
              disabled={request.loading || (submitted && !validation.valid)}
            >
              Open pull request
            </Button>
            {request.loading && (
              <CircularProgress
                size={20}
                style={{ position: 'absolute', top: 8, left: '45%' }}
                aria-label="Opening the pull request"
              />
            )}
          </Box>
        </DialogActions>
      </form>
    </Dialog>
  );
}
