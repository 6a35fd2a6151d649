import { FormEvent, ReactNode, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  Box,
  Button,
  CircularProgress,
  FormControl,
  FormControlLabel,
  FormLabel,
  Grid,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import type { EnrollmentResponse } from '@image-factory/plugin-image-factory-common';
import { useChangeRequest } from '../../hooks/useChangeRequest';
import { useDefaultOwner } from '../../hooks/useDefaultOwner';
import {
  ChangeRequestError,
  ChangeRequestSuccess,
  backendMessage,
} from '../ChangeRequestResult';
import { SourceFields } from '../SourceFields';
import { PlatformFields, RebuildFields } from './BuildFields';
import { MoreFields } from './MoreFields';
import {
  EnrollFormValues,
  FieldErrors,
  FormField,
  ImageType,
  hasSource,
  initialValues,
  issuesToFields,
  parseBackendIssues,
  toEnrollRequest,
  validateEnrollForm,
} from './enrollForm';
import { prefilledValues } from './prefill';

const TYPES: Array<{ type: ImageType; label: string }> = [
  { type: 'managed', label: 'Managed: the factory builds and pushes it' },
  { type: 'base', label: 'Base: other images build FROM it' },
  { type: 'external', label: 'External: used as is, only watched' },
];

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Grid item xs={12}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Grid>
  );
}

/**
 * The enroll form: validated as it is filled with the schema the backend
 * uses; a valid form opens a pull request that adds the entry to images.yaml.
 */
export function EnrollForm(props: {
  onEnrolled?: (response: EnrollmentResponse) => void;
}) {
  const { onEnrolled } = props;
  // A link may fill the form in, e.g. "Re-enroll" of an archived image.
  const [searchParams] = useSearchParams();
  const [values, setValues] = useState<EnrollFormValues>(() =>
    prefilledValues(initialValues(), searchParams),
  );
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const request = useChangeRequest();
  const defaultOwner = useDefaultOwner();

  useEffect(() => {
    if (defaultOwner) {
      setValues(v => (v.owner ? v : { ...v, owner: defaultOwner }));
    }
  }, [defaultOwner]);

  const validation = useMemo(() => validateEnrollForm(values), [values]);
  // A 400 names the fields the backend rejected; show them where they belong.
  const serverErrors = useMemo<FieldErrors>(() => {
    const error = request.error;
    if (!(error instanceof ResponseError) || error.statusCode !== 400) {
      return {};
    }
    return issuesToFields(parseBackendIssues(backendMessage(error)), values)
      .fields;
  }, [request.error, values]);

  const errors: FieldErrors = {};
  for (const [field, message] of Object.entries({
    ...serverErrors,
    ...validation.fields,
  })) {
    if (submitted || touched.has(field)) {
      errors[field as keyof FieldErrors] = message;
    }
  }

  const change = <K extends FormField>(field: K, value: EnrollFormValues[K]) =>
    setValues(v => ({ ...v, [field]: value }));

  const text = (field: FormField, label: string, help: string, extra = {}) => (
    <TextField
      id={`enroll-${field}`}
      name={field}
      label={label}
      value={values[field] as string}
      onChange={e => change(field, e.target.value)}
      error={!!errors[field]}
      helperText={errors[field] ?? help}
      disabled={request.loading}
      fullWidth
      variant="outlined"
      margin="dense"
      {...extra}
    />
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(validation.fields).length || validation.other.length) {
      return;
    }
    const result = await request.send(api =>
      api.enroll(toEnrollRequest(values)),
    );
    if (!(result instanceof Error)) {
      onEnrolled?.(result);
    }
  };

  const problems =
    Object.keys(validation.fields).length + validation.other.length;

  return (
    <InfoCard title="Enroll an image">
      <form
        noValidate
        aria-label="Enroll an image"
        onSubmit={submit}
        onBlur={e => {
          const name = (e.target as { name?: unknown }).name;
          if (typeof name === 'string' && name && !touched.has(name)) {
            setTouched(t => new Set(t).add(name));
          }
        }}
      >
        <Grid container spacing={3}>
          <Section title="Image">
            <Grid container spacing={2}>
              <Grid item xs={12} md={6}>
                {text(
                  'name',
                  'Name',
                  'Lowercase letters, digits and dashes; also the catalog entity name',
                  { required: true },
                )}
              </Grid>
              <Grid item xs={12} md={6}>
                {text(
                  'owner',
                  'Owner',
                  "Owning group or user, e.g. 'group:default/platform-team'",
                  { required: true },
                )}
              </Grid>
              <Grid item xs={12}>
                <FormControl component="fieldset" error={!!errors.type}>
                  <FormLabel component="legend">Type</FormLabel>
                  <RadioGroup
                    row
                    name="type"
                    value={values.type}
                    onChange={e => change('type', e.target.value as ImageType)}
                  >
                    {TYPES.map(({ type, label }) => (
                      <FormControlLabel
                        key={type}
                        value={type}
                        label={label}
                        disabled={request.loading}
                        control={<Radio color="primary" />}
                      />
                    ))}
                  </RadioGroup>
                </FormControl>
              </Grid>
              <Grid item xs={12}>
                {text(
                  'reference',
                  'Image reference',
                  values.type === 'managed'
                    ? 'Where builds are pushed: registry/repository[:tag], e.g. localhost:5000/apps/hello-web:latest'
                    : 'What is watched: registry/repository[:tag], e.g. docker.io/library/debian:bookworm-slim',
                  { required: true },
                )}
              </Grid>
              <Grid item xs={12} md={6}>
                {text('title', 'Title', 'Display title (optional)')}
              </Grid>
              <Grid item xs={12} md={6}>
                {text(
                  'description',
                  'Description',
                  'What the image is for (optional)',
                )}
              </Grid>
            </Grid>
          </Section>
          {hasSource(values.type) && (
            <Section title="Source">
              <SourceFields
                values={values}
                errors={errors}
                onChange={change}
                required={values.type === 'managed'}
                disabled={request.loading}
              />
            </Section>
          )}
          <Section title="Platforms">
            <PlatformFields
              values={values}
              errors={errors}
              onChange={change}
              disabled={request.loading}
            />
          </Section>
          {hasSource(values.type) && (
            <Section title="Rebuild policy">
              <RebuildFields
                values={values}
                errors={errors}
                onChange={change}
                disabled={request.loading}
              />
            </Section>
          )}
          <Section title="Lifecycle and reason">
            <Grid container spacing={2}>
              <Grid item xs={12} md={6}>
                {text(
                  'stages',
                  'Lifecycle stages',
                  'Stages a build is promoted through, in order, comma-separated: dev, staging, prod (optional)',
                )}
              </Grid>
              <Grid item xs={12} md={6}>
                {text(
                  'reason',
                  'Reason',
                  'Why the image should be enrolled; reviewers read it in the pull request (optional)',
                  { multiline: true },
                )}
              </Grid>
            </Grid>
          </Section>
          <Section title="More fields of images.yaml">
            <MoreFields
              texts={values.more}
              errors={errors}
              onChange={more => change('more', more)}
              disabled={request.loading}
            />
          </Section>
          {submitted && problems > 0 && (
            <Grid item xs={12}>
              <Typography color="error" role="alert">
                {problems === 1
                  ? '1 field needs attention'
                  : `${problems} fields need attention`}
                {validation.other.map(i => `; ${i.path}: ${i.message}`)}
              </Typography>
            </Grid>
          )}
          {request.error && !request.loading && (
            <Grid item xs={12}>
              <ChangeRequestError error={request.error} action="enroll" />
            </Grid>
          )}
          {request.value && !request.loading && (
            <Grid item xs={12}>
              <ChangeRequestSuccess response={request.value} />
            </Grid>
          )}
          <Grid item xs={12}>
            <Box display="flex" alignItems="center" gridGap={16}>
              <Button
                type="submit"
                variant="contained"
                color="primary"
                disabled={request.loading}
              >
                {request.loading
                  ? 'Opening pull request…'
                  : 'Open enrollment pull request'}
              </Button>
              {request.loading && (
                <CircularProgress size={24} aria-label="Sending" />
              )}
            </Box>
          </Grid>
        </Grid>
      </form>
    </InfoCard>
  );
}
