import { Typography } from '@material-ui/core';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, entityRouteRef } from '@backstage/plugin-catalog-react';
import type { LifecycleOverviewRow } from '@image-factory/plugin-image-factory-common';
import { relativeTime, shortDigest, when } from '../ImageBuildsContent/format';
import { StageCell } from './StageCell';

/** Every stage name, in the order the images declare them. */
function stageNames(rows: LifecycleOverviewRow[]): string[] {
  const names: string[] = [];
  for (const row of rows) {
    for (const stage of row.stages) {
      if (!names.includes(stage.name)) names.push(stage.name);
    }
  }
  return names;
}

/**
 * Every image × stage in one table: a row per image (linking to its
 * Lifecycle tab), with its owner and newest build, and a column per stage
 * name.
 */
export function LifecycleTable(props: { rows: LifecycleOverviewRow[] }) {
  const { rows } = props;
  const entityRoute = useRouteRef(entityRouteRef);
  const lifecycleUrl = (entityRef: string) => {
    const ref = parseEntityRef(entityRef, { defaultKind: 'image' });
    return `${entityRoute({
      kind: ref.kind.toLocaleLowerCase('en-US'),
      namespace: ref.namespace,
      name: ref.name,
    })}/lifecycle`;
  };

  const columns: TableColumn<LifecycleOverviewRow>[] = [
    {
      title: 'Image',
      field: 'imageName',
      render: row => (
        <Link to={lifecycleUrl(row.entityRef)}>{row.imageName}</Link>
      ),
    },
    {
      title: 'Owner',
      field: 'owner',
      render: row => <EntityRefLink entityRef={row.owner} />,
    },
    {
      title: 'Newest build',
      sorting: false,
      render: row =>
        row.newestDigest ? (
          <Typography variant="body2">
            <code title={row.newestDigest}>
              {shortDigest(row.newestDigest)}
            </code>{' '}
            <span title={when(row.newestBuiltAt)}>
              {relativeTime(row.newestBuiltAt)}
            </span>
          </Typography>
        ) : (
          '—'
        ),
    },
    ...stageNames(rows).map(
      (name): TableColumn<LifecycleOverviewRow> => ({
        title: name,
        sorting: false,
        render: row => {
          const stage = row.stages.find(s => s.name === name);
          return stage ? <StageCell stage={stage} /> : '—';
        },
      }),
    ),
  ];

  return (
    <Table<LifecycleOverviewRow>
      title="Stages"
      options={{
        search: true,
        paging: rows.length > 50,
        pageSize: 50,
        padding: 'dense',
      }}
      columns={columns}
      data={rows}
    />
  );
}
