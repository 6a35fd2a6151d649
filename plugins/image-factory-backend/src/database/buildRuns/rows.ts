import {
  BuildCause,
  BuildErrorType,
  BuildInputs,
  BuildPlatformResult,
  BuildStatus,
} from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { toDate } from '../timestamps';
import { BuildRunRecord } from './types';

/* The build_runs and build_platforms rows, and how they become records. */

export type RunRow = {
  id: string;
  image_name: string;
  entity_ref: string;
  cause: string;
  cause_detail: string | null;
  requested_by: string | null;
  status: string;
  reason: string | null;
  error_type: string | null;
  force: boolean | number;
  inputs: string;
  inputs_hash: string | null;
  reference: string | null;
  index_digest: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: string | number | Date | null;
  cancel_requested: boolean | number;
  created_at: string | number | Date;
  started_at: string | number | Date | null;
  finished_at: string | number | Date | null;
  version_tag: string | null;
  pruned_at: string | number | Date | null;
};

export type PlatformRow = {
  run_id: string;
  platform: string;
  status: string;
  executor: string | null;
  emulated: boolean | number | null;
  digest: string | null;
  build_duration_ms: number | null;
  push_duration_ms: number | null;
  error: string | null;
  reused_from: string | null;
};

/** A run that is queued or running: an image has at most one. */
export const ACTIVE: BuildStatus[] = ['queued', 'running'];

const optional = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<
    Record<K, V>
  >;

export function toPlatform(row: PlatformRow): BuildPlatformResult {
  return {
    platform: row.platform,
    status: row.status as BuildStatus,
    ...optional('executor', row.executor),
    ...optional(
      'emulated',
      row.emulated === null ? undefined : Boolean(row.emulated),
    ),
    ...optional('digest', row.digest),
    ...optional('buildDurationMs', row.build_duration_ms),
    ...optional('pushDurationMs', row.push_duration_ms),
    ...optional('error', row.error),
    ...optional('reusedFrom', row.reused_from),
  };
}

export function toRecord(
  row: RunRow,
  platformRows: PlatformRow[],
): BuildRunRecord {
  const inputs = JSON.parse(row.inputs) as BuildInputs;
  const status = row.status as BuildStatus;
  const byPlatform = new Map(platformRows.map(p => [p.platform, p]));
  const platforms = [
    ...inputs.platforms,
    ...platformRows
      .map(p => p.platform)
      .filter(p => !inputs.platforms.includes(p)),
  ].map(platform => {
    const platformRow = byPlatform.get(platform);
    if (platformRow) return toPlatform(platformRow);
    // Not placed yet, or the run ended before it was.
    const pending = status === 'queued' || status === 'running';
    return { platform, status: pending ? ('queued' as const) : status };
  });
  const createdAt = toDate(row.created_at);
  const startedAt = row.started_at ? toDate(row.started_at) : undefined;
  const finishedAt = row.finished_at ? toDate(row.finished_at) : undefined;
  return {
    id: row.id,
    imageName: row.image_name,
    entityRef: row.entity_ref,
    cause: row.cause as BuildCause,
    ...optional('causeDetail', row.cause_detail),
    ...optional('requestedBy', row.requested_by),
    status,
    ...optional('reason', row.reason),
    ...optional('errorType', row.error_type as BuildErrorType | null),
    inputs,
    ...optional('reference', row.reference),
    ...optional('indexDigest', row.index_digest),
    ...optional('versionTag', row.version_tag),
    ...optional(
      'prunedAt',
      row.pruned_at ? toDate(row.pruned_at).toISOString() : undefined,
    ),
    platforms,
    attempts: Number(row.attempts),
    createdAt: createdAt.toISOString(),
    ...optional('startedAt', startedAt?.toISOString()),
    ...optional('finishedAt', finishedAt?.toISOString()),
    ...optional(
      'durationMs',
      startedAt && finishedAt
        ? finishedAt.getTime() - startedAt.getTime()
        : undefined,
    ),
    force: Boolean(row.force),
    ...optional('inputsHash', row.inputs_hash),
    ...optional('leaseOwner', row.lease_owner),
    ...optional(
      'leaseExpiresAt',
      row.lease_expires_at ? toDate(row.lease_expires_at) : undefined,
    ),
    cancelRequested: Boolean(row.cancel_requested),
  };
}

/** Whether the client is PostgreSQL (else SQLite). */
export function isPostgres(db: Knex): boolean {
  const client = String(db.client.config.client);
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}
