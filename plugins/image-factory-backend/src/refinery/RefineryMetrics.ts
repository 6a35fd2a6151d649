import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';
import type { RefineryQueueState } from '@image-factory/plugin-image-factory-common';
import type { RefineResult } from './build/refineSdist';

/**
 * Refinery metrics, through Backstage's metrics service:
 *
 * - `image_factory_refinery_builds_total{platform,result,cause}`: refined
 *   sdists by outcome (`published`, `reused`: a cache hit, nothing ran,
 *   `failed` with its cause);
 * - `image_factory_refinery_build_attempt_duration_seconds{platform,emulated,result}`:
 *   each attempt in a builder container, so QEMU and native builds compare;
 * - `image_factory_refinery_queue_depth{state}`: builds queued, running and
 *   waiting for an earlier round, and runs being planned.
 */
export class RefineryMetrics {
  private readonly builds: MetricsServiceCounter<{
    platform: string;
    result: string;
    cause: string;
  }>;
  private readonly attempts: MetricsServiceHistogram<{
    platform: string;
    emulated: string;
    result: string;
  }>;

  constructor(private readonly metrics: MetricsService) {
    this.builds = metrics.createCounter('image_factory_refinery_builds_total', {
      description: 'Sdists refined by platform and outcome (reused: cache hit)',
    });
    this.attempts = metrics.createHistogram(
      'image_factory_refinery_build_attempt_duration_seconds',
      {
        description: 'One build attempt in a builder container',
        unit: 's',
      },
    );
  }

  /** Observes the queue as `image_factory_refinery_queue_depth{state}`. */
  observeQueue(queueState: () => Promise<RefineryQueueState>): void {
    this.metrics
      .createObservableGauge<{ state: string }>(
        'image_factory_refinery_queue_depth',
        { description: 'Refinery builds by state, and runs being planned' },
      )
      .addCallback(async result => {
        // A database hiccup costs one sample, not the whole collection.
        const state = await queueState().catch(() => undefined);
        for (const [key, value] of Object.entries(state ?? {})) {
          result.observe(value, { state: key });
        }
      });
  }

  /** One sdist was refined for `platform`. */
  refined(platform: string, result: RefineResult): void {
    this.builds.add(1, {
      platform,
      result: result.status,
      cause: result.failure?.cause ?? 'none',
    });
    for (const attempt of result.attempts) {
      this.attempts.record(attempt.durationMs / 1000, {
        platform,
        emulated: String(attempt.emulated),
        result: attempt.failure ? 'failed' : 'succeeded',
      });
    }
  }
}
