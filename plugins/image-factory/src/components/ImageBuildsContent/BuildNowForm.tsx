import { useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  BuildRun,
  BuildStatus,
  imageFactoryBuildPermission,
} from '@image-factory/plugin-image-factory-common';
import { useStartBuild } from '../../hooks/useBuildActions';
import { PermittedAction } from '../PermittedAction';
import { BuildError } from './BuildError';
import { BuildStatusChip } from './BuildStatusChip';

/** What became of the run "Build now" queued. */
const STARTED_TEXT: Record<BuildStatus, string> = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  skipped: 'skipped: up to date',
  cancelled: 'cancelled',
};

/** The run's status as last seen, never the answer's once it moved on. */
function statusOf(answer: BuildRun, current?: BuildRun): BuildStatus {
  return current?.id === answer.id ? current.status : answer.status;
}

/**
 * "Build now", with an optional reason and "force": queues a run of the
 * image, or points at the run already queued or running. Disabled for users
 * without `image-factory.image.build` on the image.
 */
export function BuildNowForm(props: {
  imageName: string;
  /** The Image entity, which the permission is checked on. */
  entityRef: string;
  onStarted: (run: BuildRun) => void;
  /** The started run as last seen, so that its status follows the run. */
  current?: BuildRun;
}) {
  const { imageName, onStarted } = props;
  const [reason, setReason] = useState('');
  const [force, setForce] = useState(false);
  const request = useStartBuild(imageName);

  const submit = async () => {
    const trimmed = reason.trim();
    const result = await request.start({
      ...(trimmed && { reason: trimmed }),
      ...(force && { force: true }),
    });
    if (!(result instanceof Error)) {
      setReason('');
      onStarted(result.run);
    }
  };

  return (
    <>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={16}>
        <TextField
          id="build-now-reason"
          label="Reason"
          helperText="Shown with the run (optional)"
          value={reason}
          onChange={e => setReason(e.target.value)}
          disabled={request.loading}
          inputProps={{ maxLength: 500 }}
          variant="outlined"
          margin="dense"
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={force}
              onChange={e => setForce(e.target.checked)}
              disabled={request.loading}
              color="primary"
            />
          }
          label="Force (even if up to date)"
        />
        <PermittedAction
          permission={imageFactoryBuildPermission}
          resourceRef={props.entityRef}
        >
          {allowed => (
            <Button
              variant="contained"
              color="primary"
              onClick={submit}
              disabled={request.loading || !allowed}
            >
              {request.loading ? 'Starting…' : 'Build now'}
            </Button>
          )}
        </PermittedAction>
      </Box>
      {request.error && !request.loading && (
        <Box mt={2}>
          <BuildError error={request.error} action="build" />
        </Box>
      )}
      {request.value && !request.loading && (
        <Box
          mt={2}
          role="status"
          display="flex"
          alignItems="center"
          gridGap={8}
        >
          <BuildStatusChip
            status={statusOf(request.value.run, props.current)}
          />
          <Typography variant="body2">
            {request.value.alreadyActive
              ? `A build of ${imageName} is already ${
                  request.value.run.status === 'queued' ? 'queued' : 'running'
                }: showing that run.`
              : `Build of ${imageName} ${
                  STARTED_TEXT[statusOf(request.value.run, props.current)]
                }.`}
          </Typography>
        </Box>
      )}
    </>
  );
}
