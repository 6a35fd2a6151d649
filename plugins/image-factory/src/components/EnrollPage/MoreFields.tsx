import { Grid, TextField } from '@material-ui/core';
import type { FieldErrors, MoreFormField } from './enrollForm';
import { MoreField, moreFields } from './moreFields';

const HOW: Record<MoreField['kind'], string> = {
  text: '',
  number: ' (a number)',
  boolean: ' (true or false)',
  list: ' (comma-separated)',
  map: ' (KEY=value, comma-separated)',
};

/**
 * A text field for each field of images.yaml the form has no control of its
 * own for, labelled with its path and described by the schema, so that a
 * field added to the schema can be set here at once.
 */
export function MoreFields(props: {
  texts: Record<string, string>;
  errors: FieldErrors;
  onChange: (texts: Record<string, string>) => void;
  disabled?: boolean;
}) {
  const { texts, errors, onChange, disabled } = props;
  return (
    <Grid container spacing={2}>
      {moreFields().map(field => {
        const key: MoreFormField = `more.${field.path}`;
        return (
          <Grid item xs={12} md={6} key={field.path}>
            <TextField
              id={`enroll-${key}`}
              name={key}
              label={field.path}
              value={texts[field.path] ?? ''}
              onChange={e =>
                onChange({ ...texts, [field.path]: e.target.value })
              }
              error={!!errors[key]}
              helperText={
                errors[key] ??
                `${field.description}${HOW[field.kind]} (optional)`
              }
              disabled={disabled}
              fullWidth
              variant="outlined"
              margin="dense"
            />
          </Grid>
        );
      })}
    </Grid>
  );
}
