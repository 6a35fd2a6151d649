import { Chip, makeStyles } from '@material-ui/core';
import type { BuildStatus } from '@image-factory/plugin-image-factory-common';

const LABELS: Record<BuildStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

const useStyles = makeStyles(theme => {
  const { status } = theme.palette;
  const outline = (color: string) => ({ borderColor: color, color });
  return {
    queued: outline(status.pending),
    running: outline(status.running),
    succeeded: outline(status.ok),
    failed: outline(status.error),
    cancelled: outline(status.aborted),
    skipped: outline(theme.palette.text.secondary),
  };
});

/** A run's or a platform's status as a small outlined chip. */
export function BuildStatusChip(props: { status: BuildStatus }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      label={LABELS[props.status] ?? props.status}
      className={classes[props.status]}
    />
  );
}
