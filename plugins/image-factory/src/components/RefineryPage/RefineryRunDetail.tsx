import { useState } from 'react';
import { Box, Button, Chip, Typography } from '@material-ui/core';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { RefineryRunDetail as Run } from '@image-factory/plugin-image-factory-common';
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

/** One run: its plan per target and its builds, with the plan's log. */
export function RefineryRunDetail(props: { run: Run }) {
  const { run } = props;
  const [planLog, setPlanLog] = useState(false);
  return (
    <InfoCard
      title={`Run of ${run.set}`}
      subheader={run.id}
      action={
        <Box pt={1} pr={1}>
          <Button size="small" onClick={() => setPlanLog(true)}>
            Plan log
          </Button>
        </Box>
      }
    >
      {run.error && (
        <Box mb={2}>
          <WarningPanel
            severity="error"
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
