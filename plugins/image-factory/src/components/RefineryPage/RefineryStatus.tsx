import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import type {
  RefineryJobStatus,
  RefineryRunStatus,
} from '@image-factory/plugin-image-factory-common';

/** A run's or a build's status, in words with Backstage's status colours. */
export function RefineryStatus(props: {
  status: RefineryRunStatus | RefineryJobStatus;
}) {
  const { status } = props;
  switch (status) {
    case 'succeeded':
    case 'built':
    case 'reused':
      return <StatusOK>{status}</StatusOK>;
    case 'failed':
      return <StatusError>{status}</StatusError>;
    case 'skipped':
    case 'cancelled':
      return <StatusAborted>{status}</StatusAborted>;
    case 'planning':
    case 'building':
    case 'running':
      return <StatusRunning>{status}</StatusRunning>;
    default:
      return <StatusPending>{status}</StatusPending>;
  }
}

/** Whether a run may still change. */
export const isActiveRun = (status: RefineryRunStatus) =>
  status === 'queued' || status === 'planning' || status === 'building';
