import { Knex } from 'knex';
import { PlatformRow, RunRow, toRecord } from './rows';
import { BuildRunRecord } from './types';
import { timestampStamp } from '../timestamps';

// Stays under SQLite's bound-variable limit for any number of images.
const CHUNK = 500;

/** A run as a change of the ledger: created, or ended, at some time. */
export interface RunChange {
  id: string;
  imageName: string;
  status: string;
}

/** Reads of the build ledger: one run, an image's runs, its last success. */
export class RunReads {
  constructor(private readonly db: Knex) {}

  async get(id: string): Promise<BuildRunRecord | undefined> {
    const row = await this.db<RunRow>('build_runs').where('id', id).first();
    if (!row) return undefined;
    const platforms = await this.db<PlatformRow>('build_platforms')
      .where('run_id', id)
      .orderBy('platform');
    return toRecord(row, platforms);
  }

  async list(filter: {
    imageName?: string;
    limit: number;
  }): Promise<BuildRunRecord[]> {
    let query = this.db<RunRow>('build_runs')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.imageName) query = query.where('image_name', filter.imageName);
    const rows = await query;
    return this.withPlatforms(rows);
  }

  async lastSucceeded(imageName: string): Promise<BuildRunRecord | undefined> {
    const row = await this.db<RunRow>('build_runs')
      .where({ image_name: imageName, status: 'succeeded' })
      .orderBy('finished_at', 'desc')
      .first();
    return row ? (await this.withPlatforms([row]))[0] : undefined;
  }

  /**
   * The last succeeded run of each of `imageNames` that has one, in one
   * query per chunk of names (the same order as {@link RunReads.lastSucceeded}).
   */
  async lastSucceededOf(
    imageNames: string[],
  ): Promise<Map<string, BuildRunRecord>> {
    return this.newestOf(imageNames, 1, q => q.where('status', 'succeeded'), [
      'finished_at',
      'id',
    ]).then(runs => new Map([...runs].map(([name, [run]]) => [name, run])));
  }

  /** Up to `limit` newest runs of each of `imageNames` (the order of {@link RunReads.list}). */
  async latestOf(
    imageNames: string[],
    limit: number,
  ): Promise<Map<string, BuildRunRecord[]>> {
    return this.newestOf(imageNames, limit, q => q, ['created_at', 'id']);
  }

  /**
   * What moves when a run is created or ends (the newest of each, both
   * indexed): a reader that keeps what it computed from the ledger asks this
   * instead of reading the runs again.
   */
  async stamp(): Promise<string> {
    const row = await this.db('build_runs')
      .max({ created: 'created_at', finished: 'finished_at' })
      .first();
    return `${timestampStamp(row?.created)}/${timestampStamp(row?.finished)}`;
  }

  /** The runs created or ended at or after `since`, oldest first. */
  async changedSince(since: Date): Promise<RunChange[]> {
    const rows = await this.db<RunRow>('build_runs')
      .where('created_at', '>=', since)
      .orWhere('finished_at', '>=', since)
      .select('id', 'image_name', 'status')
      .orderBy('id');
    return rows.map(r => ({
      id: r.id,
      imageName: r.image_name,
      status: r.status,
    }));
  }

  /**
   * The newest runs of each image by `order` (descending), ranked with a
   * window function, which SQLite (3.25+) and PostgreSQL both have.
   */
  private async newestOf(
    imageNames: string[],
    limit: number,
    filter: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
    order: [string, string],
  ): Promise<Map<string, BuildRunRecord[]>> {
    const names = [...new Set(imageNames)];
    const found = new Map<string, BuildRunRecord[]>();
    for (let i = 0; i < names.length; i += CHUNK) {
      const ranked = filter(
        this.db('build_runs')
          .select('*')
          .select(
            this.db.raw(
              `row_number() over (partition by image_name order by ${order
                .map(c => `${c} desc`)
                .join(', ')}) as newest_rank`,
            ),
          )
          .whereIn('image_name', names.slice(i, i + CHUNK)),
      );
      const rows: Array<RunRow & { newest_rank?: number }> = await this.db
        .from(ranked.as('ranked'))
        .where('newest_rank', '<=', limit)
        .orderBy('image_name')
        .orderBy('newest_rank');
      for (const row of rows) delete row.newest_rank;
      for (const run of await this.withPlatforms(rows)) {
        const list = found.get(run.imageName) ?? [];
        list.push(run);
        found.set(run.imageName, list);
      }
    }
    return found;
  }

  /** The runs of `rows`, each with its platforms. */
  async withPlatforms(rows: RunRow[]): Promise<BuildRunRecord[]> {
    if (rows.length === 0) return [];
    const byRun = new Map<string, PlatformRow[]>();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const platforms = await this.db<PlatformRow>('build_platforms')
        .whereIn(
          'run_id',
          rows.slice(i, i + CHUNK).map(r => r.id),
        )
        .orderBy('platform');
      for (const p of platforms) {
        byRun.set(p.run_id, [...(byRun.get(p.run_id) ?? []), p]);
      }
    }
    return rows.map(row => toRecord(row, byRun.get(row.id) ?? []));
  }
}
