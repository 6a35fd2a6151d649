import { Box, Chip } from '@material-ui/core';
import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { RefineryRun } from '@image-factory/plugin-image-factory-common';
import { relativeTime } from '../ImageBuildsContent/format';
import { RefineryStatus } from './RefineryStatus';

function progressText(run: RefineryRun): string {
  const { total, finished, failed, running } = run.progress;
  if (run.status === 'queued' || run.status === 'planning') return run.status;
  if (total === 0) return 'nothing to build';
  const parts = [`${finished} of ${total} done`];
  if (running) parts.push(`${running} running`);
  if (failed) parts.push(`${failed} failed`);
  return parts.join(', ');
}

/** Failed builds by cause, as chips (`missing-header: 1`). */
export function FailureCauses(props: { causes: Record<string, number> }) {
  const entries = Object.entries(props.causes);
  if (entries.length === 0) return null;
  return (
    <Box display="flex" flexWrap="wrap" gridGap={4}>
      {entries.map(([cause, n]) => (
        <Chip key={cause} size="small" label={`${cause}: ${n}`} />
      ))}
    </Box>
  );
}

/** Refinery runs, newest first; choosing one shows its plan and builds. */
export function RefineryRunsCard(props: {
  runs: RefineryRun[];
  selected?: string;
  onSelect: (id: string) => void;
}) {
  const { runs, selected, onSelect } = props;
  const columns: TableColumn<RefineryRun>[] = [
    { title: 'Set', field: 'set', highlight: true },
    { title: 'Status', render: run => <RefineryStatus status={run.status} /> },
    { title: 'Progress', render: progressText },
    {
      title: 'Failures',
      render: run => <FailureCauses causes={run.failuresByCause} />,
    },
    {
      title: 'Asked by',
      // A user, or the builder Image whose new build queued the run.
      render: run =>
        run.requestedBy ? <EntityRefLink entityRef={run.requestedBy} /> : '',
    },
    { title: 'Asked', render: run => relativeTime(run.createdAt) },
  ];
  return (
    <InfoCard title="Runs" noPadding>
      <Table
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
          rowStyle: (run: RefineryRun) =>
            run.id === selected ? { backgroundColor: 'rgba(0,0,0,0.06)' } : {},
        }}
        columns={columns}
        data={runs}
        onRowClick={(_event, run) => run && onSelect(run.id)}
        localization={{
          body: {
            emptyDataSourceMessage: 'No run yet: press Run on a wheel set',
          },
        }}
      />
    </InfoCard>
  );
}
