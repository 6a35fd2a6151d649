import { useState } from 'react';
import { Box, Button, Chip, Tooltip, Typography } from '@material-ui/core';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  imageFactoryRefineryRunPermission,
  type RefineryRunDetail as Run,
} from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { backendMessage } from '../ChangeRequestResult';
import { isActiveRun } from './RefineryStatus';
import { RefineryJobsTable } from './RefineryJobsTable';
import { RefineryLogDialog } from './RefineryLogDialog';
import { FailureCauses } from './RefineryRunsCard';

const ACTION_WORDS = {
  build: 'build',
  'upstream-wheel': 'upstream has a wheel',
  built: 'built before',
};

/** The short form of a digest reference's digest: `sha256:0123456789ab`. */
const shortDigest = (reference: string) =>
  reference.includes('@sha256:')
    ? reference.slice(reference.indexOf('@') + 1, reference.indexOf('@') + 20)
    : undefined;

/** Which builder a target ran in: the factory's Image (linked) or the configured one. */
function BuiltIn(props: { builder?: string; builderImage?: string }) {
  const { builder, builderImage } = props;
  if (!builder) return null;
  return (
    <Typography variant="body2" color="textSecondary">
      in{' '}
      {builderImage ? (
        <>
          <EntityRefLink entityRef={builderImage} /> (
          {shortDigest(builder) ?? builder})
        </>
      ) : (
        <>{builder} (configured builder)</>
      )}
    </Typography>
  );
}

/** Each target's plan: what pip resolved, what is skipped, the rounds. */
function Plans(props: { run: Run }) {
  return (
    <>
      {props.run.targets.map(t => (
        <Box key={`${t.python} ${t.platform}`} mb={2}>
          <Typography variant="subtitle2">
            {t.python} · {t.platform}
          </Typography>
          <BuiltIn builder={t.builder} builderImage={t.builderImage} />
          {t.error ? (
            <Typography color="error" variant="body2">
              Not planned: {t.error}
            </Typography>
          ) : (
            <>
              <Box display="flex" flexWrap="wrap" gridGap={4} my={0.5}>
                {t.items.map(i => (
                  <Chip
                    key={i.project}
                    size="small"
                    variant={i.action === 'build' ? 'default' : 'outlined'}
                    label={`${i.project} ${i.version}: ${
                      ACTION_WORDS[i.action]
                    }`}
                  />
                ))}
              </Box>
              {t.rounds.length > 0 && (
                <Typography variant="body2" color="textSecondary">
                  {t.rounds
                    .map((r, n) => `round ${n + 1}: ${r.join(', ')}`)
                    .join(' → ')}
                </Typography>
              )}
            </>
          )}
        </Box>
      ))}
    </>
  );
}

/**
 * Cancels a run that has not ended; disabled, saying why, without the
 * permission to run sets.
 */
function CancelRun(props: { run: Run; onCancelled: (run: Run) => void }) {
  const api = useApi(imageFactoryApiRef);
  const alerts = useApi(alertApiRef);
  const permission = usePermission({
    permission: imageFactoryRefineryRunPermission,
  });
  const [cancelling, setCancelling] = useState(false);
  const cancel = async () => {
    setCancelling(true);
    try {
      props.onCancelled(await api.cancelRefineryRun(props.run.id));
      alerts.post({
        message: `Run of ${props.run.set} cancelled`,
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alerts.post({
        message: `Could not cancel the run of ${
          props.run.set
        }: ${backendMessage(e as Error)}`,
        severity: 'error',
      });
    } finally {
      setCancelling(false);
    }
  };
  const button = (
    <Button
      size="small"
      color="secondary"
      disabled={!permission.allowed || cancelling}
      onClick={cancel}
    >
      Cancel run
    </Button>
  );
  if (permission.loading || permission.allowed) return button;
  return (
    <Tooltip
      title={`You need the permission ${imageFactoryRefineryRunPermission.name}`}
    >
      <span>{button}</span>
    </Tooltip>
  );
}

/** One run: its plan per target and its builds, with the plan's log. */
export function RefineryRunDetail(props: { run: Run }) {
  const [planLog, setPlanLog] = useState(false);
  // The page polls runs; until it has seen the cancellation, show it.
  const [cancelled, setCancelled] = useState<Run>();
  const run =
    cancelled?.id === props.run.id && isActiveRun(props.run.status)
      ? cancelled
      : props.run;
  return (
    <InfoCard
      title={`Run of ${run.set}`}
      subheader={run.id}
      action={
        <Box pt={1} pr={1} display="flex" gridGap={4}>
          {isActiveRun(run.status) && (
            <CancelRun run={run} onCancelled={setCancelled} />
          )}
          <Button size="small" onClick={() => setPlanLog(true)}>
            Plan log
          </Button>
        </Box>
      }
    >
      {run.error && (
        <Box mb={2}>
          <WarningPanel
            severity={run.status === 'cancelled' ? 'info' : 'error'}
            title={`Run ${run.status}`}
            message={run.error}
          />
        </Box>
      )}
      <FailureCauses causes={run.failuresByCause} />
      {run.targets.length === 0 ? (
        <Typography variant="body2">
          {run.status === 'queued'
            ? 'Waiting for a worker to plan it.'
            : 'Planning: pip resolves each target in its builder.'}
        </Typography>
      ) : (
        <Plans run={run} />
      )}
      {run.jobs.length > 0 && (
        <RefineryJobsTable title="Builds" jobs={run.jobs} />
      )}
      {planLog && (
        <RefineryLogDialog
          kind="runs"
          id={run.id}
          title={`Plan of ${run.set}`}
          onClose={() => setPlanLog(false)}
        />
      )}
    </InfoCard>
  );
}
