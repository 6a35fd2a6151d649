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
}
