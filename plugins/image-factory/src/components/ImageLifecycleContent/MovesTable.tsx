import { Chip } from '@material-ui/core';
import { Table, TableColumn } from '@backstage/core-components';
import type { ImageStageMove } from '@image-factory/plugin-image-factory-common';
import { shortDigest, when } from '../ImageBuildsContent/format';

const UUID =
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

function statusText(m: ImageStageMove): string {
  if (m.status === 'waiting') return `waiting for ${m.waitingFor ?? 'a gate'}`;
  if (m.error) return `${m.status}: ${m.error}`;
  return m.status;
}

function decisionText(m: ImageStageMove): string {
  if (!m.decidedBy) return '—';
  const verb = m.status === 'rejected' ? 'rejected' : 'approved';
  const why = m.decisionReason ? `: ${m.decisionReason}` : '';
  return `${verb} by ${m.decidedBy}${why}`;
}

const columns: TableColumn<ImageStageMove>[] = [
  { title: 'Action', field: 'action' },
  { title: 'Stage', field: 'stage' },
  {
    title: 'From → to',
    // Each digest on its own line: a digest wrapped mid-way reads as two.
    render: m => (
      <code style={{ whiteSpace: 'nowrap' }} title={m.toDigest}>
        {m.fromDigest ? shortDigest(m.fromDigest) : '—'}
        <br />→ {shortDigest(m.toDigest)}
      </code>
    ),
  },
  {
    title: 'By',
    render: m =>
      m.trigger === 'auto' ? (
        <Chip size="small" label="auto" title="Promoted by the stage policy" />
      ) : (
        m.requestedBy ?? '—'
      ),
  },
  {
    title: 'Reason',
    // Run ids are shortened as on the Builds tab; the whole reason is the title.
    render: m =>
      m.reason ? (
        <span title={m.reason}>
          {m.reason.replace(UUID, id => id.slice(0, 8))}
        </span>
      ) : (
        '—'
      ),
  },
  { title: 'Status', render: statusText },
  { title: 'Decision', render: decisionText },
  { title: 'Time', render: m => when(m.finishedAt ?? m.createdAt) },
];

/**
 * Every promotion and rollback of the image's stages, newest first: who
 * asked (or `auto` for the stage policy), why, its status, and who approved
 * or rejected it.
 */
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
