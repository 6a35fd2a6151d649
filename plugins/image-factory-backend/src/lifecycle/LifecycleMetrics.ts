import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { StageMoveRecord } from '../database';

/**
 * Lifecycle metrics, through Backstage's metrics service:
 *
 * - `image_factory_stage_moves_total{stage,action,result,trigger}`: ended
 *   promotions and rollbacks (`done`, `failed`, `rejected`);
 * - `image_factory_stage_verification_duration_seconds{stage,result}`: one
 *   verification of a digest for a stage, every check and platform;
 * - `image_factory_base_change_to_stage_seconds{stage}`: from the start of a
 *   rebuild caused by a base change (or an emergency) to its version
 *   entering the stage, e.g. how long a base fix takes to reach prod.
 */
export class LifecycleMetrics {
  private readonly moves: MetricsServiceCounter<{
    stage: string;
    action: string;
    result: string;
    trigger: string;
  }>;
  private readonly verification: MetricsServiceHistogram<{
    stage: string;
    result: string;
  }>;
  private readonly baseChangeToStage: MetricsServiceHistogram<{
    stage: string;
  }>;

  constructor(metrics: MetricsService) {
    this.moves = metrics.createCounter('image_factory_stage_moves_total', {
      description: 'Ended stage promotions and rollbacks by stage and result',
    });
    this.verification = metrics.createHistogram(
      'image_factory_stage_verification_duration_seconds',
      { description: 'Time to verify one digest for a stage', unit: 's' },
    );
    this.baseChangeToStage = metrics.createHistogram(
      'image_factory_base_change_to_stage_seconds',
      {
        description:
          'Time from a rebuild for a changed base to its version entering a stage',
        unit: 's',
      },
    );
  }

  /** A move ended; `run` built the digest, when known. */
  moveEnded(move: StageMoveRecord, run?: BuildRun): void {
    this.moves.add(1, {
      stage: move.stage,
      action: move.action,
      result: move.status,
      trigger: move.trigger,
    });
    if (
      move.status === 'done' &&
      move.action === 'promote' &&
      run &&
      (run.cause === 'base-change' || run.cause === 'emergency') &&
      move.finishedAt
    ) {
      this.baseChangeToStage.record(
        (move.finishedAt.getTime() - new Date(run.createdAt).getTime()) / 1000,
        { stage: move.stage },
      );
    }
  }

  /** A verification ended. */
  verificationEnded(stage: string, passed: boolean, durationMs: number): void {
    this.verification.record(durationMs / 1000, {
      stage,
      result: passed ? 'passed' : 'failed',
    });
  }
}
