import { ImageStageCheckResult } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { toDate } from './timestamps';

/** The outcome of one check on one platform. */
export type StageCheckResult = ImageStageCheckResult;

/** One run of a stage's checks for one digest. */
export interface VerificationRecord {
  id: string;
  imageName: string;
  stage: string;
  /** The digest verified; a pass certifies this digest for this stage only. */
  digest: string;
  status: 'pending' | 'running' | 'passed' | 'failed';
  requestedBy?: string;
  /** Per check and platform, once finished. */
  results: StageCheckResult[];
  /** Why it failed when no check result tells (interrupted, no executor). */
  error?: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

type Row = {
  id: string;
  image_name: string;
  stage: string;
  digest: string;
  status: VerificationRecord['status'];
  requested_by: string | null;
  results: string | null;
  error: string | null;
  created_at: string | number | Date;
  started_at: string | number | Date | null;
  finished_at: string | number | Date | null;
  owner?: string | null;
  lease_expires_at?: string | number | Date | null;
};

const TABLE = 'stage_verifications';
/** The error of a verification a stopped backend left running. */
export const INTERRUPTED =
  'interrupted: the backend stopped before it finished';

function toRecord(row: Row): VerificationRecord {
  return {
    id: row.id,
    imageName: row.image_name,
    stage: row.stage,
    digest: row.digest,
    status: row.status,
    ...(row.requested_by && { requestedBy: row.requested_by }),
    results: row.results ? JSON.parse(row.results) : [],
    ...(row.error && { error: row.error }),
    createdAt: toDate(row.created_at),
    ...(row.started_at && { startedAt: toDate(row.started_at) }),
    ...(row.finished_at && { finishedAt: toDate(row.finished_at) }),
  };
}

/**
 * Verifications of digests for lifecycle stages in the plugin database:
 * `pending` when asked, `running` once started, then `passed` or `failed`
 * with a result per check and platform.
 */
export class VerificationStore {
  static create(options: { client: Knex }): VerificationStore {
    return new VerificationStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async create(verification: {
    id: string;
    imageName: string;
    stage: string;
    digest: string;
    requestedBy?: string;
    createdAt: Date;
    /** The backend that runs it, holding it until `leaseExpiresAt`. */
    owner?: string;
    leaseExpiresAt?: Date;
  }): Promise<VerificationRecord> {
    const row: Row = {
      id: verification.id,
      image_name: verification.imageName,
      stage: verification.stage,
      digest: verification.digest,
      status: 'pending',
      requested_by: verification.requestedBy ?? null,
      results: null,
      error: null,
      created_at: verification.createdAt,
      started_at: null,
      finished_at: null,
      owner: verification.owner ?? null,
      lease_expires_at: verification.leaseExpiresAt ?? null,
    };
    await this.db(TABLE).insert(row);
    return toRecord(row);
  }

  /** Marks a pending verification running; false when it is not pending (any more). */
  async start(id: string, now: Date): Promise<boolean> {
    const updated = await this.db(TABLE)
      .where({ id, status: 'pending' })
      .update({ status: 'running', started_at: now });
    return updated > 0;
  }

  /**
   * Keeps the owner's hold on a verification it still runs; false when it
   * is no longer its own or has ended (another backend took it over).
   */
  async renew(id: string, owner: string, until: Date): Promise<boolean> {
    const updated = await this.db(TABLE)
      .where({ id, owner })
      .whereIn('status', ['pending', 'running'])
      .update({ lease_expires_at: until });
    return updated > 0;
  }

  /** Whether a verification is pending or running on a backend that holds it now. */
  async isLive(id: string, now: Date): Promise<boolean> {
    const row = await this.db<Row>(TABLE)
      .where({ id })
      .whereIn('status', ['pending', 'running'])
      .andWhere('lease_expires_at', '>', now)
      .first('id');
    return Boolean(row);
  }

  /** Records the outcome; false when it was finished already (e.g. marked interrupted). */
  async finish(
    id: string,
    outcome: {
      status: 'passed' | 'failed';
      results: StageCheckResult[];
      error?: string;
      now: Date;
    },
  ): Promise<boolean> {
    const updated = await this.db(TABLE)
      .where({ id })
      .whereIn('status', ['pending', 'running'])
      .update({
        status: outcome.status,
        results: JSON.stringify(outcome.results),
        error: outcome.error ?? null,
        finished_at: outcome.now,
      });
    return updated > 0;
  }

  async get(id: string): Promise<VerificationRecord | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row && toRecord(row);
  }

  /** The newest verification of a digest for a stage, whatever its status. */
  async latestFor(
    imageName: string,
    stage: string,
    digest: string,
  ): Promise<VerificationRecord | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ image_name: imageName, stage, digest })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row && toRecord(row);
  }

  /** An image's verifications, newest first. */
  async list(imageName: string, limit: number): Promise<VerificationRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ image_name: imageName })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toRecord);
  }

  /**
   * Marks failed, as {@link INTERRUPTED}, the verifications that a stopped
   * backend left pending or running (their lease expired; rows from before
   * leases have none), and returns them (as now failed), so that what
   * waited on them can be told. Those another live backend runs are left.
   */
  async interrupted(now: Date): Promise<VerificationRecord[]> {
    return this.db.transaction(async tx => {
      const rows = await tx<Row>(TABLE)
        .whereIn('status', ['pending', 'running'])
        .andWhere(q =>
          q
            .whereNull('lease_expires_at')
            .orWhere('lease_expires_at', '<=', now),
        );
      if (rows.length === 0) return [];
      await tx(TABLE)
        .whereIn(
          'id',
          rows.map(r => r.id),
        )
        .whereIn('status', ['pending', 'running'])
        // Not one whose backend renewed its lease meanwhile.
        .andWhere(q =>
          q
            .whereNull('lease_expires_at')
            .orWhere('lease_expires_at', '<=', now),
        )
        .update({ status: 'failed', error: INTERRUPTED, finished_at: now });
      return rows.map(r =>
        toRecord({
          ...r,
          status: 'failed',
          error: INTERRUPTED,
          finished_at: now,
        }),
      );
    });
  }
}
