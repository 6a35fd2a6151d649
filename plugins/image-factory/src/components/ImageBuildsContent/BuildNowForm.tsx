import { useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  TextField,
  Typography,
} from '@material-ui/core';
import type { BuildRun } from '@image-factory/plugin-image-factory-common';
import { useStartBuild } from '../../hooks/useBuildActions';
import { BuildError } from './BuildError';
import { BuildStatusChip } from './BuildStatusChip';

/**
 * "Build now", with an optional reason and "force": queues a run of the
 * image, or points at the run already queued or running.
 */
export function BuildNowForm(props: {
  imageName: string;
  onStarted: (run: BuildRun) => void;
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
        <Button
          variant="contained"
          color="primary"
          onClick={submit}
          disabled={request.loading}
        >
          {request.loading ? 'Starting…' : 'Build now'}
        </Button>
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
          <BuildStatusChip status={request.value.run.status} />
          <Typography variant="body2">
            {request.value.alreadyActive
              ? `A build of ${imageName} is already ${
                  request.value.run.status === 'queued' ? 'queued' : 'running'
                }: showing that run.`
              : `Build of ${imageName} queued.`}
          </Typography>
        </Box>
      )}
    </>
  );
}
