import { Knex } from 'knex';
import { RunReads } from './RunReads';
import { RunRow } from './rows';
import { BuildRunRecord } from './types';

/** Which successful runs still have their images in the registry, for the retention policy. */
export class RunRetention {
  constructor(private readonly db: Knex, private readonly reads: RunReads) {}

  /**
   * Successful runs of an image whose images are still in the registry
   * (pushed under a versioned tag, not pruned yet), newest first.
   */
  async listRetained(imageName: string): Promise<BuildRunRecord[]> {
    const rows = await this.db<RunRow>('build_runs')
      .where({ image_name: imageName, status: 'succeeded' })
      .whereNotNull('version_tag')
      .whereNull('pruned_at')
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'desc');
    return this.reads.withPlatforms(rows);
  }

  /** Records that the retention policy removed these runs' images. */
  async markPruned(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db('build_runs').whereIn('id', ids).update({ pruned_at: now });
  }
}
