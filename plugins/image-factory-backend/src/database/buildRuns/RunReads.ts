import { Knex } from 'knex';
import { PlatformRow, RunRow, toRecord } from './rows';
import { BuildRunRecord } from './types';

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

  /** The runs of `rows`, each with its platforms. */
  async withPlatforms(rows: RunRow[]): Promise<BuildRunRecord[]> {
    if (rows.length === 0) return [];
    const platforms = await this.db<PlatformRow>('build_platforms')
      .whereIn(
        'run_id',
        rows.map(r => r.id),
      )
      .orderBy('platform');
    return rows.map(row =>
      toRecord(
        row,
        platforms.filter(p => p.run_id === row.id),
      ),
    );
  }
}
