import type {
  MetricsService,
  MetricsServiceCounter,
} from '@backstage/backend-plugin-api/alpha';
import { RegistryWaitReason } from '@image-factory/plugin-image-factory-common';

/**
 * The outcome of one check of a watched reference: `unchanged`, `changed`
 * or `discovered` (first digest) on success; `not_found`, `rate_limited` or
 * `error` on failure.
 */
export type TrackingCheckResult =
  | 'unchanged'
  | 'changed'
  | 'discovered'
  | 'not_found'
  | 'rate_limited'
  | 'error';

/**
 * Base-image tracking's metrics, through Backstage's metrics service:
 *
 * - `image_factory_tracking_checks_total{registry,result}`: checks of watched references;
 * - `image_factory_tracking_rate_limit_waits_total{registry,reason}`: times the
 *   checks of a registry host were held back, by `budget` (its configured
 *   budget is spent), `429` or `ratelimit-header` (it reported none remaining);
 * - `image_factory_tracking_digest_changes_total{registry}`: new digests of watched references.
 *
 * `registry` is a host as written in image references; hosts come from
 * images.yaml and Dockerfiles, so the label stays small.
 */
export class TrackingMetrics {
  private readonly checks: MetricsServiceCounter<{
    registry: string;
    result: TrackingCheckResult;
  }>;
  private readonly waits: MetricsServiceCounter<{
    registry: string;
    reason: RegistryWaitReason;
  }>;
  private readonly changes: MetricsServiceCounter<{ registry: string }>;

  static create(options: { metrics: MetricsService }): TrackingMetrics {
    return new TrackingMetrics(options.metrics);
  }

  private constructor(metrics: MetricsService) {
    this.checks = metrics.createCounter('image_factory_tracking_checks_total', {
      description:
        'Checks of watched base-image references, by registry and result',
    });
    this.waits = metrics.createCounter(
      'image_factory_tracking_rate_limit_waits_total',
      {
        description:
          'Times the checks of a registry were held back, by registry and reason (budget, 429, ratelimit-header)',
      },
    );
    this.changes = metrics.createCounter(
      'image_factory_tracking_digest_changes_total',
      {
        description:
          'New digests of watched base-image references, by registry',
      },
    );
  }

  checked(registry: string, result: TrackingCheckResult): void {
    this.checks.add(1, { registry, result });
  }

  rateLimitWait(registry: string, reason: RegistryWaitReason): void {
    this.waits.add(1, { registry, reason });
  }

  digestChanged(registry: string): void {
    this.changes.add(1, { registry });
  }
}
