import type {
  MetricsService,
  MetricsServiceCounter,
} from '@backstage/backend-plugin-api/alpha';

/**
 * The planner's metrics, through Backstage's metrics service:
 *
 * - `image_factory_rebuilds_planned_total{cause}`: rebuilds planned
 *   (`base-change`) or asked for (`emergency`, one per image of a cascade);
 * - `image_factory_rebuilds_queued_total{cause}`: planned rebuilds handed to the build queue.
 */
export class RebuildMetrics {
  private readonly planned: MetricsServiceCounter<{ cause: string }>;
  private readonly queued: MetricsServiceCounter<{ cause: string }>;

  constructor(metrics: MetricsService) {
    this.planned = metrics.createCounter(
      'image_factory_rebuilds_planned_total',
      {
        description: 'Rebuilds planned, by cause',
      },
    );
    this.queued = metrics.createCounter('image_factory_rebuilds_queued_total', {
      description: 'Planned rebuilds handed to the build queue, by cause',
    });
  }

  rebuildPlanned(cause: string, count = 1): void {
    this.planned.add(count, { cause });
  }

  rebuildQueued(cause: string): void {
    this.queued.add(1, { cause });
  }
}
