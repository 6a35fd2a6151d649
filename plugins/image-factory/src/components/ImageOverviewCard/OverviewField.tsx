import { ReactNode } from 'react';
import { Grid, Typography, makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  label: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: '10px',
    fontWeight: 'bold',
    letterSpacing: 0.5,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
  },
  value: {
    overflowWrap: 'anywhere',
  },
  missing: {
    color: theme.palette.text.secondary,
    fontStyle: 'italic',
  },
}));

/** A labelled value, laid out like the catalog's About card. */
export function OverviewField(props: {
  label: string;
  gridSizes?: Partial<
    Record<'xs' | 'sm' | 'md' | 'lg', 1 | 2 | 3 | 4 | 6 | 8 | 12>
  >;
  children: ReactNode;
}) {
  const { label, gridSizes = { xs: 12, sm: 6 }, children } = props;
  const classes = useStyles();
  // The label names the value for screen readers as well as for the eye.
  const id = `image-overview-${label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <Grid item {...gridSizes}>
      <Typography variant="h2" className={classes.label} id={id}>
        {label}
      </Typography>
      <div className={classes.value} role="group" aria-labelledby={id}>
        {children}
      </div>
    </Grid>
  );
}

/** Text for a value the entity does not set. */
export function Missing(props: { children: ReactNode }) {
  const classes = useStyles();
  return (
    <Typography variant="body2" className={classes.missing}>
      {props.children}
    </Typography>
  );
}
