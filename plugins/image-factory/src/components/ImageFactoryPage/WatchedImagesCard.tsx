import { Chip, Typography } from '@material-ui/core';
import { EmptyState, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { WatchedImageStatus } from '@image-factory/plugin-image-factory-common';
import { TrackingProblem } from '../TrackingProblem';

const shortDigest = (digest: string) =>
  digest.replace(/^(sha256:.{12}).*$/, '$1…');
const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');

const columns: TableColumn<WatchedImageStatus>[] = [
  {
    title: 'Reference',
    field: 'reference',
    highlight: true,
    render: row => <code>{row.reference}</code>,
  },
  {
    title: 'Used by',
    field: 'usedBy',
    sorting: false,
    render: row =>
      row.usedBy.map(ref => (
        <div key={ref}>
          <EntityRefLink entityRef={ref} defaultKind="image" />
        </div>
      )),
  },
  {
    title: 'Digest',
    field: 'digest',
    render: row =>
      row.digest ? (
        <>
          <code title={row.digest}>{shortDigest(row.digest)}</code>
          {row.platforms?.map(p => (
            <div key={p.platform}>
              <Chip label={p.platform} size="small" />
              <code title={p.digest}>{shortDigest(p.digest)}</code>
            </div>
          ))}
        </>
      ) : (
        <Typography variant="body2" color="textSecondary">
          not seen yet
        </Typography>
      ),
  },
  {
    title: 'First seen',
    field: 'firstSeenAt',
    render: row => when(row.firstSeenAt),
  },
  {
    title: 'Last checked',
    field: 'lastCheckedAt',
    render: row => when(row.lastCheckedAt),
  },
  {
    title: 'Next check',
    field: 'nextCheckAt',
    render: row => when(row.nextCheckAt),
  },
  {
    title: 'Result',
    field: 'lastError',
    render: row => {
      if (row.lastError) return <TrackingProblem row={row} />;
      return row.lastCheckedAt ? 'OK' : '—';
    },
  },
];

/** The base and external images the factory polls for new digests. */
export function WatchedImagesCard(props: {
  tracking: { intervalMs: number; references: WatchedImageStatus[] };
}) {
  const { references, intervalMs } = props.tracking;
  if (references.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No base images watched"
        description="Images of type base or external in images.yaml are polled for new digests; there are none yet."
      />
    );
  }
  const hours = Math.round((intervalMs / 3_600_000) * 10) / 10;
  return (
    <Table<WatchedImageStatus>
      title="Watched base images"
      subtitle={`Each reference is checked with one HEAD request every ${hours} h, however many images use it.`}
      columns={columns}
      data={references}
      options={{
        paging: references.length > 20,
        pageSize: 20,
        search: references.length > 20,
        padding: 'dense',
      }}
    />
  );
}
