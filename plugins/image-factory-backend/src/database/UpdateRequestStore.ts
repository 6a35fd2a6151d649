import { Knex } from 'knex';
import { toDate } from './timestamps';

/** What a pull request pinning a stage's digest in one repository is in. */
export type UpdateRequestState = 'open' | 'merged' | 'closed' | 'failed';

/** The latest update pull request of an image's stage in one repository. */
export interface UpdateRequestRecord {
  imageName: string;
  stage: string;
  /** `owner/name` */
  repository: string;
  /** The digest the pull request pins. */
  digest: string;
  /** The head branch, `image-factory/<image>/<stage>`. */
  branch: string;
  number?: number;
  url?: string;
  state: UpdateRequestState;
  /** Why the last attempt failed. */
  error?: string;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  image_name: string;
  stage: string;
  repository: string;
  digest: string;
  branch: string;
  pull_number: number | null;
  url: string | null;
  state: UpdateRequestState;
  error: string | null;
  created_at: string | number | Date;
  updated_at: string | number | Date;
};

const TABLE = 'stage_update_requests';

function toRecord(row: Row): UpdateRequestRecord {
  return {
    imageName: row.image_name,
    stage: row.stage,
    repository: row.repository,
    digest: row.digest,
    branch: row.branch,
    ...(row.pull_number !== null && { number: Number(row.pull_number) }),
    ...(row.url && { url: row.url }),
    state: row.state,
    ...(row.error && { error: row.error }),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/**
 * Update pull requests in the plugin database: one row per image, stage
 * and repository, holding the latest attempt to pin that stage's digest.
 */
export class UpdateRequestStore {
  static create(options: { client: Knex }): UpdateRequestStore {
    return new UpdateRequestStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Records an attempt. A failed attempt without a pull request keeps the
   * number and url of the one opened before (it is still open on GitHub,
   * and the Lifecycle tab links it); `createdAt` stays from the first row.
   */
  async upsert(
    record: Omit<UpdateRequestRecord, 'createdAt' | 'updatedAt'>,
    now: Date,
  ): Promise<UpdateRequestRecord> {
    const row = {
      image_name: record.imageName,
      stage: record.stage,
      repository: record.repository,
      digest: record.digest,
      branch: record.branch,
      pull_number: record.number ?? null,
      url: record.url ?? null,
      state: record.state,
      error: record.error ?? null,
      created_at: now,
      updated_at: now,
    };
    const merged: Array<keyof Row> = [
      'digest',
      'branch',
      'state',
      'error',
      'updated_at',
    ];
    if (record.number !== undefined) merged.push('pull_number', 'url');
    await this.db(TABLE)
      .insert(row)
      .onConflict(['image_name', 'stage', 'repository'])
      .merge(merged);
    const stored = await this.db<Row>(TABLE)
      .where({
        image_name: record.imageName,
        stage: record.stage,
        repository: record.repository,
      })
      .first();
    return toRecord(stored!);
  }

  /** An image's update pull requests, of one stage or all, by stage and repository. */
  async list(
    imageName: string,
    stage?: string,
  ): Promise<UpdateRequestRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ image_name: imageName, ...(stage !== undefined && { stage }) })
      .orderBy([{ column: 'stage' }, { column: 'repository' }]);
    return rows.map(toRecord);
  }

  /** Every open pull request, to follow until it is merged or closed. */
  async listOpen(): Promise<UpdateRequestRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ state: 'open' })
      .whereNotNull('pull_number')
      .orderBy([
        { column: 'image_name' },
        { column: 'stage' },
        { column: 'repository' },
      ]);
    return rows.map(toRecord);
  }

  /**
   * Sets the state GitHub reports for a pull request; only the row of that
   * very pull request changes, so a newer one recorded meanwhile stays.
   */
  async setState(
    key: {
      imageName: string;
      stage: string;
      repository: string;
      number: number;
    },
    state: Exclude<UpdateRequestState, 'failed'>,
    now: Date,
  ): Promise<boolean> {
    const count = await this.db<Row>(TABLE)
      .where({
        image_name: key.imageName,
        stage: key.stage,
        repository: key.repository,
        pull_number: key.number,
      })
      .update({ state, updated_at: now });
    return count > 0;
  }
}
