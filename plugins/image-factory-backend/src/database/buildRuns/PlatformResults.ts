import { BuildPlatformResult } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';

/** Each platform's state in a run (build_platforms), one row per run and platform. */
export class PlatformResults {
  constructor(private readonly db: Knex) {}

  async setPlatform(runId: string, result: BuildPlatformResult): Promise<void> {
    await this.db('build_platforms')
      .insert({
        run_id: runId,
        platform: result.platform,
        status: result.status,
        executor: result.executor ?? null,
        emulated: result.emulated ?? null,
        digest: result.digest ?? null,
        build_duration_ms: result.buildDurationMs ?? null,
        push_duration_ms: result.pushDurationMs ?? null,
        error: result.error ?? null,
        reused_from: result.reusedFrom ?? null,
      })
      .onConflict(['run_id', 'platform'])
      .merge();
  }

  /**
   * Platforms building now on each executor, by every backend sharing the
   * database: those of running runs whose platform is running.
   */
  async busyExecutors(): Promise<Map<string, number>> {
    const rows: Array<{ executor: string; n: number | string }> = await this.db(
      'build_platforms',
    )
      .join('build_runs', 'build_runs.id', 'build_platforms.run_id')
      .where('build_runs.status', 'running')
      .andWhere('build_platforms.status', 'running')
      .whereNotNull('build_platforms.executor')
      .groupBy('build_platforms.executor')
      .select('build_platforms.executor as executor')
      .count({ n: '*' });
    return new Map(rows.map(r => [r.executor, Number(r.n)]));
  }
}
