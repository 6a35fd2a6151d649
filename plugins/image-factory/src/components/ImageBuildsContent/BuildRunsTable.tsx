import { Box, Typography, useTheme } from '@material-ui/core';
import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { BuildRun } from '@image-factory/plugin-image-factory-common';
import { BuildStatusChip } from './BuildStatusChip';
import { CopyableCode, Digest } from './Digest';
import { CAUSE_LABELS, formatDuration, when } from './format';

function Result(props: { run: BuildRun }) {
  const { run } = props;
  if (
    run.status === 'failed' ||
    run.status === 'skipped' ||
    run.status === 'cancelled'
  ) {
    return (
      <Typography
        variant="body2"
        color={run.status === 'failed' ? 'error' : 'textSecondary'}
      >
        {run.reason ?? '—'}
      </Typography>
    );
  }
  if (!run.reference && !run.indexDigest) {
    return <>—</>;
  }
  return (
    <Box display="flex" flexDirection="column">
      {run.reference && (
        <CopyableCode value={run.reference} label="reference" />
      )}
      {run.indexDigest && (
        <Digest digest={run.indexDigest} label="index digest" />
      )}
      {run.versionTag && (
        <Typography variant="caption" color="textSecondary">
          {run.prunedAt ? (
            <>removed by the retention policy: {run.versionTag}</>
          ) : (
            <>
              also tagged <code>{run.versionTag}</code>
            </>
          )}
        </Typography>
      )}
    </Box>
  );
}

const columns: TableColumn<BuildRun>[] = [
  {
    title: 'Status',
    field: 'status',
    render: run => <BuildStatusChip status={run.status} />,
  },
  {
    title: 'Cause',
    field: 'cause',
    render: run => (
      <>
        {CAUSE_LABELS[run.cause] ?? run.cause}
        {run.causeDetail && (
          <Typography variant="body2" color="textSecondary">
            {run.causeDetail}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Requested by',
    field: 'requestedBy',
    render: run =>
      run.requestedBy ? (
        <EntityRefLink entityRef={run.requestedBy} defaultKind="user" />
      ) : (
        '—'
      ),
  },
  {
    title: 'Started',
    field: 'startedAt',
    render: run =>
      run.startedAt ? (
        <time dateTime={run.startedAt}>{when(run.startedAt)}</time>
      ) : (
        <Typography variant="body2" color="textSecondary">
          queued {when(run.createdAt)}
        </Typography>
      ),
  },
  {
    title: 'Duration',
    field: 'durationMs',
    render: run => formatDuration(run.durationMs),
  },
  {
    title: 'Result',
    sorting: false,
    render: run => <Result run={run} />,
  },
];

/** The image's runs, newest first; a click on a row selects the run. */
export function BuildRunsTable(props: {
  runs: BuildRun[];
  selectedId?: string;
  onSelect: (run: BuildRun) => void;
}) {
  const { runs, selectedId, onSelect } = props;
  const theme = useTheme();
  return (
    <Table<BuildRun>
      title="Build runs"
      subtitle="Select a run for its inputs, platforms and log"
      columns={columns}
      data={runs}
      onRowClick={(_event, run) => run && onSelect(run)}
      options={{
        paging: runs.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
        rowStyle: run => ({
          cursor: 'pointer',
          backgroundColor:
            run.id === selectedId ? theme.palette.action.selected : undefined,
        }),
      }}
    />
  );
}
