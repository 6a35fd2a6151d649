import { useState } from 'react';
import { Box, Button, Chip, Typography } from '@material-ui/core';
import {
  InfoCard,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import type {
  RefineryJob,
  RefineryRunDetail as Run,
} from '@image-factory/plugin-image-factory-common';
import { formatDuration } from '../ImageBuildsContent/format';
import { RefineryLogDialog } from './RefineryLogDialog';
import { FailureCauses } from './RefineryRunsCard';
import { RefineryStatus } from './RefineryStatus';

const ACTION_WORDS = {
  build: 'build',
  'upstream-wheel': 'upstream has a wheel',
  built: 'built before',
};

/** Each target's plan: what pip resolved, what is skipped, the rounds. */
function Plans(props: { run: Run }) {
  return (
    <>
      {props.run.targets.map(t => (
        <Box key={`${t.python} ${t.platform}`} mb={2}>
          <Typography variant="subtitle2">
            {t.python} · {t.platform}
          </Typography>
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
 * One run: its plan per target and its builds (status, QEMU or native,
 * attempts with the hints they had, files), each build's log a click away.
 */
export function RefineryRunDetail(props: { run: Run }) {
  const { run } = props;
  const [log, setLog] = useState<
    { kind: 'jobs' | 'runs'; id: string; title: string } | undefined
  >();
  const columns: TableColumn<RefineryJob>[] = [
    {
      title: 'Package',
      render: j => `${j.project} ${j.version}`,
      highlight: true,
    },
    { title: 'Target', render: j => `${j.python} · ${j.platform}` },
    { title: 'Round', render: j => j.round + 1 },
    { title: 'Status', render: j => <RefineryStatus status={j.status} /> },
    {
      title: 'Ran',
      render: j => {
        if (j.emulated === undefined) return '';
        return j.emulated ? 'QEMU' : 'native';
      },
    },
    { title: 'Time', render: j => formatDuration(j.durationMs) },
    {
      title: 'Attempts',
      render: j =>
        j.attempts.map(a => (
          <Typography key={a.attempt} variant="body2">
            {a.attempt}. hints {a.hints}
            {a.cause ? `: ${a.cause}` : ': passed'}
          </Typography>
        )),
    },
    {
      title: 'Result',
      render: j =>
        j.error ? (
          <Typography variant="body2" color="error">
            {j.cause ? `${j.cause}: ` : ''}
            {j.error}
          </Typography>
        ) : (
          j.files.join(', ')
        ),
    },
    {
      title: '',
      render: j => (
        <Button
          size="small"
          onClick={() =>
            setLog({
              kind: 'jobs',
              id: j.id,
              title: `${j.project} ${j.version} for ${j.python} · ${j.platform}`,
            })
          }
        >
          Log
        </Button>
      ),
    },
  ];
  return (
    <InfoCard
      title={`Run of ${run.set}`}
      subheader={run.id}
      action={
        <Box pt={1} pr={1}>
          <Button
            size="small"
            onClick={() =>
              setLog({ kind: 'runs', id: run.id, title: `Plan of ${run.set}` })
            }
          >
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
        <Table
          title="Builds"
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={run.jobs}
        />
      )}
      {log && (
        <RefineryLogDialog
          kind={log.kind}
          id={log.id}
          title={log.title}
          onClose={() => setLog(undefined)}
        />
      )}
    </InfoCard>
  );
}
