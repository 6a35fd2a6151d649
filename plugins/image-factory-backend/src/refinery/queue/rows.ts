import type {
  RefineryJobAttempt,
  RefineryJobStatus,
  RefineryRunStatus,
  RefineryTargetPlan,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';
import { toDate } from '../../database/timestamps';

type Timestamp = string | number | Date;

/** A run of a wheel set as stored. */
export interface RefineryRunRecord {
  id: string;
  setName: string;
  status: RefineryRunStatus;
  requestedBy?: string;
  /** The set as wheels.yaml said when the run was asked for. */
  wheelSet: WheelSet;
  /** Per target, once planned. */
  plan?: RefineryTargetPlan[];
  error?: string;
  attempts: number;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

/** One build of a run as stored. */
export interface RefineryJobRecord {
  id: string;
  runId: string;
  python: string;
  platform: string;
  project: string;
  version: string;
  round: number;
  sdistUrl: string;
  sdistSha256?: string;
  status: RefineryJobStatus;
  cause?: string;
  error?: string;
  emulated?: boolean;
  tries: RefineryJobAttempt[];
  files: string[];
  attempts: number;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

export type RunRow = {
  id: string;
  set_name: string;
  status: RefineryRunStatus;
  requested_by: string | null;
  wheel_set: string;
  plan: string | null;
  error: string | null;
  attempts: number | string;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
};

export type JobRow = {
  id: string;
  run_id: string;
  python: string;
  platform: string;
  project: string;
  version: string;
  round: number | string;
  sdist_url: string;
  sdist_sha256: string | null;
  status: RefineryJobStatus;
  cause: string | null;
  error: string | null;
  emulated: boolean | number | null;
  tries: string | null;
  files: string | null;
  attempts: number | string;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
};

export const RUNS = 'refinery_runs';
export const JOBS = 'refinery_jobs';

/** Job states that are over. */
export const JOB_FINISHED: RefineryJobStatus[] = [
  'built',
  'reused',
  'failed',
  'skipped',
  'cancelled',
];

export const toRunRecord = (row: RunRow): RefineryRunRecord => ({
  id: row.id,
  setName: row.set_name,
  status: row.status,
  ...(row.requested_by && { requestedBy: row.requested_by }),
  wheelSet: JSON.parse(row.wheel_set),
  ...(row.plan && { plan: JSON.parse(row.plan) }),
  ...(row.error && { error: row.error }),
  attempts: Number(row.attempts),
  createdAt: toDate(row.created_at),
  ...(row.started_at && { startedAt: toDate(row.started_at) }),
  ...(row.finished_at && { finishedAt: toDate(row.finished_at) }),
});

export const toJobRecord = (row: JobRow): RefineryJobRecord => ({
  id: row.id,
  runId: row.run_id,
  python: row.python,
  platform: row.platform,
  project: row.project,
  version: row.version,
  round: Number(row.round),
  sdistUrl: row.sdist_url,
  ...(row.sdist_sha256 && { sdistSha256: row.sdist_sha256 }),
  status: row.status,
  ...(row.cause && { cause: row.cause }),
  ...(row.error && { error: row.error }),
  ...(row.emulated !== null && { emulated: Boolean(row.emulated) }),
  tries: row.tries ? JSON.parse(row.tries) : [],
  files: row.files ? JSON.parse(row.files) : [],
  attempts: Number(row.attempts),
  createdAt: toDate(row.created_at),
  ...(row.started_at && { startedAt: toDate(row.started_at) }),
  ...(row.finished_at && { finishedAt: toDate(row.finished_at) }),
});
