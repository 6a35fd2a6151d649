import { Box, Typography } from '@material-ui/core';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink, entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  RebuildReason,
  UpcomingRebuild,
} from '@image-factory/plugin-image-factory-common';
import { useUpcomingRebuilds } from '../../hooks/useRebuilds';
import {
  CAUSE_LABELS,
  relativeTime,
  shortDigest,
  when,
} from '../ImageBuildsContent/format';
import { RebuildStateChip } from './RebuildStateChip';

const DEFAULT_REFRESH_INTERVAL_MS = 30_000;

function Time(props: { label: string; iso?: string }) {
  if (!props.iso) {
    return null;
  }
  return (
    <div>
      {props.label}{' '}
      <span title={when(props.iso)}>{relativeTime(props.iso)}</span>
    </div>
  );
}

/** The digest the image was built from, or why there is none. */
function previousDigest(reason: RebuildReason): string {
  if (reason.oldDigest) return shortDigest(reason.oldDigest);
  return reason.notFoundBefore ? 'not found' : 'unknown';
}

function Reason(props: { reason: RebuildReason }) {
  const { reason } = props;
  return (
    <Box mb={0.5} data-testid="rebuild-reason">
      <code>{reason.baseReference}</code>
      <div>
        <code title={reason.oldDigest}>{previousDigest(reason)}</code>
        {' → '}
        <code title={reason.newDigest}>{shortDigest(reason.newDigest)}</code>
        {reason.platforms && ` (${reason.platforms.join(', ')})`}
      </div>
      <Typography variant="caption" color="textSecondary">
        first seen{' '}
        <span title={when(reason.firstSeenAt)}>
          {relativeTime(reason.firstSeenAt)}
        </span>
      </Typography>
    </Box>
  );
}

function RunLink(props: { row: UpcomingRebuild }) {
  const entityRoute = useRouteRef(entityRouteRef);
  const { row } = props;
  if (!row.runId) {
    return <>—</>;
  }
  const ref = parseEntityRef(row.entityRef, { defaultKind: 'image' });
  return (
    <Link
      to={`${entityRoute({
        kind: ref.kind.toLocaleLowerCase('en-US'),
        namespace: ref.namespace,
        name: ref.name,
      })}/builds`}
      title={row.runId}
    >
      run {row.runId.slice(0, 8)}…
    </Link>
  );
}

const columns: TableColumn<UpcomingRebuild>[] = [
  {
    title: 'Image',
    field: 'imageName',
    highlight: true,
    render: row => (
      <EntityRefLink entityRef={row.entityRef} defaultKind="image" />
    ),
  },
  {
    title: 'Why',
    sorting: false,
    render: row => (
      <>
        {row.cause && row.cause !== 'base-change' && (
          <Box mb={0.5}>
            {CAUSE_LABELS[row.cause]}
            {row.causeDetail && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {row.causeDetail}
              </Typography>
            )}
          </Box>
        )}
        {row.reasons.map(reason => (
          <Reason
            key={`${reason.baseReference} ${reason.newDigest}`}
            reason={reason}
          />
        ))}
        {row.platforms.length > 0 && (
          <Typography variant="caption" color="textSecondary">
            rebuilds {row.platforms.join(', ')}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'State',
    field: 'state',
    render: row => <RebuildStateChip state={row.state} />,
  },
  {
    title: 'When',
    field: 'eligibleAt',
    render: row => (
      <>
        <Time label="eligible" iso={row.eligibleAt} />
        <Time label="quiet until" iso={row.quietUntil} />
        <Time label="at the latest" iso={row.maxWaitUntil} />
      </>
    ),
  },
  {
    title: 'Waiting for',
    sorting: false,
    render: row => (
      <>
        {row.waitingFor?.map(ref => (
          <div key={ref}>
            <EntityRefLink entityRef={ref} defaultKind="image" />
          </div>
        ))}
        {row.blockedReason && (
          <Typography variant="body2" color="error">
            {row.blockedReason}
          </Typography>
        )}
        {!row.waitingFor?.length && !row.blockedReason && '—'}
      </>
    ),
  },
  {
    title: 'Run',
    field: 'runId',
    render: row => <RunLink row={row} />,
  },
];

/**
 * The rebuilds planned because bases changed: which image, why, where each
 * stands and when it becomes eligible; read again every `refreshIntervalMs`.
 */
export function UpcomingRebuildsCard(props: { refreshIntervalMs?: number }) {
  const { rebuilds, error } = useUpcomingRebuilds(
    props.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS,
  );
  if (error && !rebuilds) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the upcoming rebuilds"
      />
    );
  }
  if (!rebuilds) {
    return <Progress />;
  }
  if (rebuilds.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No upcoming rebuilds"
        description="When a base image gets a new digest, or an image is enrolled or its build config changes, it is listed here until its build is queued."
      />
    );
  }
  return (
    <Table<UpcomingRebuild>
      title="Upcoming rebuilds"
      subtitle="Each image is rebuilt once, after its delay and quiet period, and after the images it is built FROM (a new image waits for its base's first build)."
      columns={columns}
      data={rebuilds}
      options={{
        paging: rebuilds.length > 20,
        pageSize: 20,
        search: rebuilds.length > 20,
        padding: 'dense',
      }}
    />
  );
}
