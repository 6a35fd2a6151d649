import { Box, Chip, Typography, makeStyles } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import type { LifecycleOverviewStage } from '@image-factory/plugin-image-factory-common';
import { relativeTime, shortDigest, when } from '../ImageBuildsContent/format';
import { lagText } from './lag';

const useStyles = makeStyles(theme => ({
  stale: {
    color: theme.palette.warning.dark,
    borderColor: theme.palette.warning.main,
    '& svg': { color: theme.palette.warning.main },
  },
}));

/**
 * One image × stage of the lifecycle page: the digest the stage holds, its
 * age, how far it lags the newest build, a warning when its base has been
 * replaced for too long, and the promotion waiting to enter it.
 */
export function StageCell(props: { stage: LifecycleOverviewStage }) {
  const { stage } = props;
  const classes = useStyles();
  if (!stage.digest && !stage.waiting) {
    return (
      <Typography variant="body2" color="textSecondary">
        empty
      </Typography>
    );
  }
  const lag = lagText(stage);
  return (
    <Box
      display="flex"
      flexDirection="column"
      alignItems="flex-start"
      gridGap={4}
      aria-label={`Stage ${stage.name}`}
    >
      {stage.digest && (
        <Typography variant="body2">
          <code title={stage.digest}>{shortDigest(stage.digest)}</code>{' '}
          <span title={when(stage.updatedAt)}>
            {relativeTime(stage.updatedAt)}
          </span>
        </Typography>
      )}
      {stage.digest && (
        <Typography
          variant="body2"
          color={lag === 'newest' ? 'textSecondary' : 'textPrimary'}
        >
          {lag}
        </Typography>
      )}
      {stage.stale && (
        <Chip
          size="small"
          icon={<WarningIcon />}
          className={classes.stale}
          variant="outlined"
          label={`stale: ${stage.stale.base} replaced ${relativeTime(
            stage.stale.replacedAt,
          )}`}
          title={`Built on ${stage.stale.base}, whose digest changed on ${when(
            stage.stale.replacedAt,
          )}`}
        />
      )}
      {stage.waiting && (
        <Chip
          size="small"
          color="primary"
          label={`waiting for ${stage.waiting.waitingFor}`}
          title={`${shortDigest(stage.waiting.digest)} waits to enter ${
            stage.name
          }`}
        />
      )}
    </Box>
  );
}
