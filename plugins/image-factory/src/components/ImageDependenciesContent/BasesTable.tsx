import { Chip, Typography } from '@material-ui/core';
import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { DependencyGraphNode } from '@image-factory/plugin-image-factory-common';
import { Digest } from '../ImageBuildsContent/Digest';

const columns: TableColumn<DependencyGraphNode>[] = [
  {
    title: 'Reference',
    field: 'reference',
    highlight: true,
    render: row => <code>{row.reference}</code>,
  },
  {
    title: 'Digest',
    field: 'digest',
    render: row =>
      row.digest ? (
        <Digest digest={row.digest} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          not seen yet
        </Typography>
      ),
  },
  {
    title: 'Type',
    field: 'type',
    render: row => <Chip size="small" label={row.type} />,
  },
  {
    title: 'Image',
    field: 'entityRef',
    render: row =>
      row.entityRef ? (
        <EntityRefLink entityRef={row.entityRef} defaultKind="image" />
      ) : (
        '—'
      ),
  },
];

/** The images an image is built FROM. */
export function BasesTable(props: { bases: DependencyGraphNode[] }) {
  return (
    <Table<DependencyGraphNode>
      title="Base images"
      subtitle="Every FROM of the Dockerfile, stage aliases resolved; a new digest of any of them rebuilds this image."
      columns={columns}
      data={props.bases}
      options={{ paging: false, search: false, padding: 'dense' }}
      emptyContent={
        <Typography variant="body2" style={{ padding: 16 }}>
          No base image found: the Dockerfile has not been read yet, or it
          builds FROM scratch.
        </Typography>
      }
    />
  );
}
