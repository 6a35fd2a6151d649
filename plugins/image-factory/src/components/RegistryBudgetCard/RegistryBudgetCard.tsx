import { Box, LinearProgress, Typography } from '@material-ui/core';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import type {
  RegistryBudget,
  RegistryWaitReason,
} from '@image-factory/plugin-image-factory-common';
import { useRegistryBudgets } from '../../hooks/useRegistryBudgets';
import {
  formatDuration,
  relativeTime,
  when,
} from '../ImageBuildsContent/format';

const DEFAULT_REFRESH_INTERVAL_MS = 30_000;

const WAIT_REASONS: Record<RegistryWaitReason, string> = {
  budget: 'budget spent',
  '429': 'registry answered 429',
  'ratelimit-header': 'registry reports none left',
};

/** `12.5` → `12.5`, `16.666…` → `16.7`. */
const rate = (n: number) => String(Math.round(n * 10) / 10);

function Time(props: { iso?: string; prefix?: string }) {
  if (!props.iso) return null;
  return (
    <span title={when(props.iso)}>
      {props.prefix}
      {relativeTime(props.iso)}
    </span>
  );
}

/** A bar and `left / total left` under it, red when little is left. */
function Meter(props: { label: string; left: number; total: number }) {
  const { label, left, total } = props;
  const value = total > 0 ? Math.min(100, (100 * left) / total) : 0;
  return (
    <Box minWidth={120}>
      <LinearProgress
        variant="determinate"
        value={value}
        color={value <= 10 ? 'secondary' : 'primary'}
        aria-label={label}
      />
      <Typography variant="body2">
        {left} / {total} left
      </Typography>
    </Box>
  );
}

const columns: TableColumn<RegistryBudget>[] = [
  {
    title: 'Registry',
    field: 'host',
    highlight: true,
    render: row => (
      <>
        <code>{row.host}</code>
        <Typography variant="caption" color="textSecondary" component="div">
          {row.watchedReferences === 1
            ? '1 watched reference'
            : `${row.watchedReferences} watched references`}
        </Typography>
      </>
    ),
  },
  {
    title: 'Budget',
    sorting: false,
    render: row => (
      <>
        <div>
          {row.enabled === false && 'switched off: never checked'}
          {row.enabled !== false &&
            (row.requestsPerHour === undefined
              ? 'unlimited'
              : `${rate(row.requestsPerHour)} / h, burst ${row.burst}`)}
        </div>
        <Typography variant="caption" color="textSecondary">
          checks every {formatDuration(row.intervalMs)}
        </Typography>
      </>
    ),
  },
  {
    title: 'Tokens left',
    field: 'tokensLeft',
    render: row =>
      row.tokensLeft === undefined || row.burst === undefined ? (
        '—'
      ) : (
        <>
          <Meter
            label={`Tokens left for ${row.host}`}
            left={row.tokensLeft}
            total={row.burst}
          />
          {row.nextTokenAt && (
            <Typography variant="caption" color="textSecondary">
              next token <Time iso={row.nextTokenAt} />
            </Typography>
          )}
        </>
      ),
  },
  {
    title: 'Sent',
    field: 'requestsLastHour',
    render: row => (
      <>
        <div>{row.requestsLastHour} in the last hour</div>
        <Typography variant="caption" color="textSecondary">
          {row.requestsLastDay} in the last day
        </Typography>
      </>
    ),
  },
  {
    title: 'Registry reports',
    sorting: false,
    render: row => {
      const reported = row.reported;
      if (!reported) return 'nothing';
      return (
        <>
          {reported.limit !== undefined && reported.remaining !== undefined ? (
            <Meter
              label={`Reported remaining for ${row.host}`}
              left={reported.remaining}
              total={reported.limit}
            />
          ) : (
            <div>
              {reported.remaining !== undefined && `${reported.remaining} left`}
              {reported.limit !== undefined && `limit ${reported.limit}`}
            </div>
          )}
          <Typography variant="caption" color="textSecondary" component="div">
            {reported.windowSeconds !== undefined &&
              `per ${formatDuration(reported.windowSeconds * 1000)}, `}
            {reported.resetAt && (
              <Time prefix="resets " iso={reported.resetAt} />
            )}
            {!reported.resetAt && (
              <Time prefix="seen " iso={reported.reportedAt} />
            )}
          </Typography>
        </>
      );
    },
  },
  {
    title: 'Checks',
    field: 'nextCheckAt',
    render: row =>
      row.postponedUntil ? (
        <>
          <Typography variant="body2" color="error">
            waiting until <Time iso={row.postponedUntil} />
          </Typography>
          {row.postponedReason && (
            <Typography variant="caption" color="textSecondary">
              {WAIT_REASONS[row.postponedReason]}
            </Typography>
          )}
        </>
      ) : (
        <Time prefix="next " iso={row.nextCheckAt} />
      ),
  },
  {
    title: 'Last error',
    sorting: false,
    render: row =>
      row.lastError ? (
        <>
          <Typography variant="body2">{row.lastError}</Typography>
          <Typography variant="caption" color="textSecondary">
            <Time iso={row.lastErrorAt} />
          </Typography>
        </>
      ) : (
        '—'
      ),
  },
];

/**
 * Each registry host's request budget for base-image tracking: the tokens
 * left of its configured budget, what it sent, what the registry reports of
 * its own limit and whether checks wait; read again every `refreshIntervalMs`.
 */
export function RegistryBudgetCard(props: { refreshIntervalMs?: number }) {
  const { budgets, error } = useRegistryBudgets(
    props.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS,
  );
  if (error && !budgets) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the registry request budgets"
      />
    );
  }
  if (!budgets) {
    return <Progress />;
  }
  if (!budgets.enabled) {
    return (
      <EmptyState
        missing="data"
        title="Base-image tracking is disabled"
        description="Set imageFactory.tracking.enabled to poll registries for new base-image digests."
      />
    );
  }
  if (budgets.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No registries polled yet"
        description="Registries appear here once images.yaml names a base or external image."
      />
    );
  }
  return (
    <Table<RegistryBudget>
      title="Registry request budgets"
      subtitle={`Requests of base-image tracking and the Versions view, one budget for every backend replica, counted${
        budgets.countingSince ? ` since ${when(budgets.countingSince)}` : ''
      }.`}
      columns={columns}
      data={budgets.items}
      options={{
        paging: budgets.items.length > 20,
        pageSize: 20,
        search: budgets.items.length > 20,
        padding: 'dense',
      }}
    />
  );
}
