import { Table, TableColumn } from '@backstage/core-components';
import type { ImageStageMove } from '@image-factory/plugin-image-factory-common';
import { shortDigest, when } from '../ImageBuildsContent/format';

const columns: TableColumn<ImageStageMove>[] = [
  { title: 'Action', field: 'action' },
  { title: 'Stage', field: 'stage' },
  {
    title: 'From → to',
    render: m =>
      `${m.fromDigest ? shortDigest(m.fromDigest) : '—'} → ${shortDigest(
        m.toDigest,
      )}`,
  },
  { title: 'By', render: m => m.requestedBy ?? '—' },
  { title: 'Reason', render: m => m.reason ?? '—' },
  {
    title: 'Status',
    render: m => (m.error ? `${m.status}: ${m.error}` : m.status),
  },
  { title: 'Time', render: m => when(m.finishedAt ?? m.createdAt) },
];

/** Every promotion and rollback of the image's stages, newest first. */
export function MovesTable(props: { moves: ImageStageMove[] }) {
  return (
    <Table<ImageStageMove>
      title="Moves"
      options={{ search: false, paging: props.moves.length > 20, pageSize: 20 }}
      columns={columns}
      data={props.moves}
      emptyContent={<div style={{ padding: 16 }}>No promotion yet.</div>}
    />
  );
}
