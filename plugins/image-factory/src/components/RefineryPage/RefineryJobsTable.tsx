import { useState } from 'react';
import { Button, Typography } from '@material-ui/core';
import { Table, TableColumn } from '@backstage/core-components';
import type { RefineryJob } from '@image-factory/plugin-image-factory-common';
import { formatDuration } from '../ImageBuildsContent/format';
import { RefineryLogDialog } from './RefineryLogDialog';
import { RefineryStatus } from './RefineryStatus';

/**
 * Refinery builds: package, target, round, status, QEMU or native, time,
 * each attempt with the hints it had, the wheels or the failure, and each
 * build's log a click away (followed while it runs).
 */
export function RefineryJobsTable(props: {
  title: string;
  jobs: RefineryJob[];
}) {
  const [log, setLog] = useState<{ id: string; title: string } | undefined>();
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
    <>
      <Table
        title={props.title}
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={props.jobs}
      />
      {log && (
        <RefineryLogDialog
          kind="jobs"
          id={log.id}
          title={log.title}
          onClose={() => setLog(undefined)}
        />
      )}
    </>
  );
}
