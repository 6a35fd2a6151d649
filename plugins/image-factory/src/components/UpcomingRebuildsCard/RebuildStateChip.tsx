import { Chip, makeStyles } from '@material-ui/core';
import type { UpcomingRebuildState } from '@image-factory/plugin-image-factory-common';

/** How each state reads. */
export const STATE_LABELS: Record<UpcomingRebuildState, string> = {
  'waiting-delay': 'Waiting for delay',
  coalescing: 'Coalescing',
  'waiting-upstream': 'Waiting for upstream',
  queued: 'Queued',
  blocked: 'Blocked',
  manual: 'Manual',
};

const useStyles = makeStyles(theme => {
  const { status } = theme.palette;
  const outline = (color: string) => ({ borderColor: color, color });
  return {
    'waiting-delay': outline(status.pending),
    coalescing: outline(status.pending),
    'waiting-upstream': outline(status.running),
    queued: outline(status.ok),
    blocked: outline(status.error),
    manual: outline(theme.palette.text.secondary),
  };
});

/** Where an upcoming rebuild stands, as a small outlined chip. */
export function RebuildStateChip(props: { state: UpcomingRebuildState }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      label={STATE_LABELS[props.state] ?? props.state}
      className={classes[props.state]}
    />
  );
}
