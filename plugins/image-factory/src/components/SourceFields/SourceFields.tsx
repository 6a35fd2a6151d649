import { Grid, TextField } from '@material-ui/core';

/** The source of an image as typed into a form. */
export interface SourceValues {
  repo: string;
  branch: string;
  dockerfile: string;
  context: string;
}

/** The repository, branch, Dockerfile and build context of an image. */
export function SourceFields(props: {
  values: SourceValues;
  errors: Partial<Record<keyof SourceValues, string>>;
  onChange: (field: keyof SourceValues, value: string) => void;
  /** A managed image needs a source; a base image may be only watched. */
  required: boolean;
  disabled?: boolean;
}) {
  const { values, errors, onChange, required, disabled } = props;
  const field = (
    name: keyof SourceValues,
    label: string,
    help: string,
    isRequired = false,
  ) => (
    <TextField
      id={`source-${name}`}
      name={name}
      label={label}
      value={values[name]}
      onChange={e => onChange(name, e.target.value)}
      error={!!errors[name]}
      helperText={errors[name] ?? help}
      required={isRequired}
      disabled={disabled}
      fullWidth
      variant="outlined"
      margin="dense"
    />
  );
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        {field(
          'repo',
          'GitHub repository',
          required
            ? "The repository the Dockerfile lives in, as 'owner/name'"
            : "'owner/name'; leave empty when the factory only watches this image",
          required,
        )}
      </Grid>
      <Grid item xs={12} md={6}>
        {field('branch', 'Branch', "Branch to build from (default 'main')")}
      </Grid>
      <Grid item xs={12} md={6}>
        {field(
          'dockerfile',
          'Dockerfile path',
          "Relative to the repository root (default 'Dockerfile')",
        )}
      </Grid>
      <Grid item xs={12} md={6}>
        {field(
          'context',
          'Build context',
          "Directory relative to the repository root (default '.')",
        )}
      </Grid>
    </Grid>
  );
}
