import { FormEvent, useEffect, useMemo, useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
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
import { WarningPanel } from '@backstage/core-components';
import type {
  EnrollmentResponse,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import { useDefaultOwner } from '../../hooks/useDefaultOwner';
import { backendMessage, ChangeRequestSuccess } from '../ChangeRequestResult';
import {
  backendFieldErrors,
  initialWheelSetValues,
  targetsEditable,
  toChangeWheelSetRequest,
  toEnrollWheelSetRequest,
  validateWheelSetChange,
  validateWheelSetForm,
  WHEEL_PLATFORMS,
  wheelSetValues,
  WheelSetField,
  WheelSetFormValues,
} from './wheelSetForm';
import { WheelSetRequestError } from './WheelSetRequestError';

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

/** What the dialog asks for: a new set, or a change of `set`. */
export type WheelSetDialogMode =
  | { mode?: 'enroll'; set?: undefined }
  | {
      mode: 'change';
      /** The set as wheels.yaml has it; the form starts from it. */
      set: WheelSet;
    };

/** Every platform offered, then those the set has that are not (to untick). */
function offeredPlatforms(
  builderPlatforms: string[] | undefined,
  set: WheelSet | undefined,
): readonly string[] {
  const offered =
    builderPlatforms && builderPlatforms.length > 0
      ? builderPlatforms
      : WHEEL_PLATFORMS;
  const current = set?.targets.flatMap(t => t.platforms) ?? [];
  return [...offered, ...current.filter(p => !offered.includes(p))].filter(
    (p, i, all) => all.indexOf(p) === i,
  );
}

/**
 * Asks for a new wheel set, or (`mode: 'change'`) for a change of one: a
 * form checked as it is filled with the schema of wheels.yaml, that opens a
 * pull request adding or changing the set; merging it is the approval, after
 * which the set can be run as it is. A change sends only the fields changed;
 * the name cannot change.
 */
export function EnrollWheelSetDialog(
  props: {
    open: boolean;
    onClose: () => void;
    /** Called with the pull request once it is open (or reused). */
    onOpened?: (response: EnrollmentResponse) => void;
    /** Where a new set's form starts from, e.g. the example's upstream. */
    defaults?: Partial<WheelSetFormValues>;
    /** The platforms the refinery has builders for; every known one when absent. */
    platforms?: string[];
  } & WheelSetDialogMode,
) {
  const { open, onClose, onOpened, defaults } = props;
  const changing = props.mode === 'change' ? props.set : undefined;
  const offered = offeredPlatforms(props.platforms, changing);
  const [values, setValues] = useState<WheelSetFormValues>(() =>
    changing
      ? wheelSetValues(changing)
      : {
          ...initialWheelSetValues(offered),
          // A default that is not known (a set without a builder) stays the form's.
          ...Object.fromEntries(
            Object.entries(defaults ?? {}).filter(([, v]) => v !== undefined),
          ),
        },
  );
  const [touched, setTouched] = useState<Set<WheelSetField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const request = useChangeRequest();
  const defaultOwner = useDefaultOwner();

  useEffect(() => {
    if (defaultOwner) {
      setValues(v => (v.owner ? v : { ...v, owner: defaultOwner }));
    }
  }, [defaultOwner]);

  const validation = useMemo(
    () =>
      changing
        ? validateWheelSetChange(changing, values)
        : { ...validateWheelSetForm(values), changed: true },
    [changing, values],
  );
  const action = changing ? 'change' : 'enroll';
  const fixedTargets = changing && !targetsEditable(changing);
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
    if (!validation.valid || !validation.changed) return;
    const result = await request.send(api =>
      changing
        ? api.changeWheelSet(
            changing.name,
            toChangeWheelSetRequest(changing, values),
          )
        : api.enrollWheelSet(toEnrollWheelSetRequest(values)),
    );
    // useAsyncFn resolves with the error when the request fails.
    if (result && !(result instanceof Error)) onOpened?.(result);
  };

  const text = (
    field: WheelSetField,
    extra: {
      multiline?: boolean;
      required?: boolean;
      readOnly?: boolean;
      disabled?: boolean;
      hint?: string;
    } = {},
  ) => (
    <TextField
      id={`wheel-set-${field}`}
      label={LABELS[field]}
      value={values[field]}
      onChange={e => set(field, e.target.value)}
      onBlur={() => touch(field)}
      error={!!errorOf(field)}
      helperText={errorOf(field) ?? extra.hint ?? HINTS[field]}
      required={extra.required}
      InputProps={extra.readOnly ? { readOnly: true } : undefined}
      disabled={extra.disabled}
      multiline={extra.multiline}
      minRows={extra.multiline ? 3 : undefined}
      fullWidth
      variant="outlined"
      margin="dense"
    />
  );

  const title = changing
    ? `Change the wheel set ${changing.name}`
    : 'Enroll a wheel set';

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth>
      <form onSubmit={submit} noValidate aria-label={title}>
        <DialogTitle>{title}</DialogTitle>
        <DialogContent>
          {changing && (
            <DialogContentText>
              Opens a pull request that changes the set in wheels.yaml, with
              only the fields you change. Once a reviewer merges it, the next
              run builds the set as changed.
            </DialogContentText>
          )}
          <Grid container spacing={2}>
            <Grid item xs={12} sm={6}>
              {text(
                'name',
                changing
                  ? { readOnly: true, hint: "A set's name cannot change" }
                  : { required: true },
              )}
            </Grid>
            <Grid item xs={12} sm={6}>
              {text('owner', { required: true })}
            </Grid>
            <Grid item xs={12}>
              {text('requirements', { multiline: true, required: true })}
            </Grid>
            <Grid item xs={12} sm={3}>
              {text('python', {
                required: true,
                disabled: !!fixedTargets,
                hint: fixedTargets ? 'See Platforms' : undefined,
              })}
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
                          disabled={!!fixedTargets}
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
                    (fixedTargets
                      ? `This set has ${changing.targets.length} targets: change them in wheels.yaml`
                      : `Those the refinery has builders for; foreign ones build through QEMU`)}
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
              {submitted && validation.valid && !validation.changed && (
                <WarningPanel
                  severity="info"
                  defaultExpanded
                  title="Nothing to change"
                  message={`${changing?.name} already has these values: change a field, then open the pull request.`}
                />
              )}
              {request.error && (
                <WheelSetRequestError
                  error={request.error}
                  action={action}
                  name={values.name.trim()}
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
              disabled={
                request.loading ||
                (submitted && (!validation.valid || !validation.changed))
              }
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
