import { Chip, makeStyles } from '@material-ui/core';
import { Link, Table, TableColumn } from '@backstage/core-components';
import type { ImageStageUpdateRequest } from '@image-factory/plugin-image-factory-common';
import { shortDigest, when } from '../ImageBuildsContent/format';

const useStyles = makeStyles(theme => {
  const { status } = theme.palette;
  const outline = (color: string) => ({ borderColor: color, color });
  return {
    open: outline(status.running),
    merged: outline(status.ok),
    closed: outline(status.aborted),
    failed: outline(status.error),
  };
});

function State(props: { request: ImageStageUpdateRequest }) {
  const classes = useStyles();
  const { request } = props;
  return (
    <Chip
      size="small"
      variant="outlined"
      className={classes[request.state]}
      label={request.state}
      title={request.error}
    />
  );
}

const columns: TableColumn<ImageStageUpdateRequest>[] = [
  { title: 'Stage', field: 'stage' },
  { title: 'Repository', field: 'repository' },
  {
    title: 'Pins',
    render: r => (
      <code style={{ whiteSpace: 'nowrap' }} title={r.digest}>
        {shortDigest(r.digest)}
      </code>
    ),
  },
  { title: 'State', render: r => <State request={r} /> },
  {
    title: 'Pull request',
    render: r =>
      r.url ? (
        <Link to={r.url}>
          {r.repository}#{r.number}
        </Link>
      ) : (
        r.error ?? '—'
      ),
  },
  { title: 'Updated', render: r => when(r.updatedAt) },
];

/**
 * The pull requests that pin a stage's digest in the repositories using the
 * image (a stage's `updates`): one per stage and repository, with its state
 * (open, merged, closed, or failed with why) and a link to it.
 */
export function UpdateRequestsTable(props: {
  requests: ImageStageUpdateRequest[];
}) {
  return (
    <Table<ImageStageUpdateRequest>
      title="Update pull requests"
      options={{ search: false, paging: false }}
      columns={columns}
      data={props.requests}
    />
  );
}
