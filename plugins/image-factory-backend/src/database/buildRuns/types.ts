import {
  BuildCause,
  BuildErrorType,
  BuildInputs,
  BuildRun,
  BuildStatus,
} from '@image-factory/plugin-image-factory-common';

/** A run as the queue sees it: the API's view plus the queue's own fields. */
export interface BuildRunRecord extends BuildRun {
  force: boolean;
  inputsHash?: string;
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  cancelRequested: boolean;
}

/** What {@link BuildStore.enqueue} needs. */
export interface NewBuildRun {
  id: string;
  imageName: string;
  entityRef: string;
  cause: BuildCause;
  causeDetail?: string;
  requestedBy?: string;
  force: boolean;
  inputs: BuildInputs;
  createdAt: Date;
}

/** How a run ended. */
export interface BuildRunEnd {
  status: Extract<
    BuildStatus,
    'succeeded' | 'failed' | 'cancelled' | 'skipped'
  >;
  reason?: string;
  errorType?: BuildErrorType;
  indexDigest?: string;
  versionTag?: string;
}

/** The runs of {@link BuildStore.recoverExpired}, by what became of them. */
export interface RecoveredRuns {
  requeued: string[];
  failed: string[];
  cancelled: string[];
}

/** The API's view of a run, without the queue's fields. */
export function toBuildRun(record: BuildRunRecord): BuildRun {
  const {
    force: _force,
    inputsHash: _inputsHash,
    leaseOwner: _leaseOwner,
    leaseExpiresAt: _leaseExpiresAt,
    cancelRequested: _cancelRequested,
    ...run
  } = record;
  return run;
}
