import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';
import { assertError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { BuildRun } from '@image-factory/plugin-image-factory-common';

type RunAttributes = { status: string; error_type: string; cause: string };
type PlatformAttributes = { platform: string; emulated: string };

/**
 * The build engine's metrics, through Backstage's metrics service (OpenTelemetry;
 * the backend exports them, e.g. to Prometheus):
 *
 * - `image_factory_build_runs_total{status,error_type,cause}`: finished runs;
 * - `image_factory_build_duration_seconds{platform,emulated}`: build of one platform;
 * - `image_factory_push_duration_seconds{platform}`: push of one platform;
 * - `image_factory_queue_depth`: runs waiting in the queue, read at collection.
 */
export class BuildMetrics {
  private readonly runs: MetricsServiceCounter<RunAttributes>;
  private readonly buildDuration: MetricsServiceHistogram<PlatformAttributes>;
  private readonly pushDuration: MetricsServiceHistogram<{ platform: string }>;

  static create(options: {
    metrics: MetricsService;
    /** Counts the queued runs; read each time the metrics are collected. */
    queueDepth: () => Promise<number>;
    logger: LoggerService;
  }): BuildMetrics {
    return new BuildMetrics(options);
  }

  private constructor(options: {
    metrics: MetricsService;
    queueDepth: () => Promise<number>;
    logger: LoggerService;
  }) {
    const { metrics } = options;
    this.runs = metrics.createCounter<RunAttributes>(
      'image_factory_build_runs_total',
      { description: 'Finished build runs by status, error type and cause' },
    );
    this.buildDuration = metrics.createHistogram<PlatformAttributes>(
      'image_factory_build_duration_seconds',
      { description: 'Time to build one platform of a run', unit: 's' },
    );
    this.pushDuration = metrics.createHistogram<{ platform: string }>(
      'image_factory_push_duration_seconds',
      { description: 'Time to push one platform of a run', unit: 's' },
    );
    metrics
      .createObservableGauge('image_factory_queue_depth', {
        description: 'Build runs waiting in the queue',
      })
      .addCallback(async result => {
        try {
          result.observe(await options.queueDepth());
        } catch (e) {
          // A database hiccup costs one sample, not the whole collection.
          assertError(e);
          options.logger.debug('Reading the build queue depth failed', {
            error: e.message,
          });
        }
      });
  }

  /** Records a finished run and the durations of the platforms it built. */
  runFinished(run: BuildRun): void {
    this.runs.add(1, {
      status: run.status,
      error_type: run.errorType ?? 'none',
      cause: run.cause,
    });
    for (const p of run.platforms) {
      if (p.buildDurationMs !== undefined) {
        this.buildDuration.record(p.buildDurationMs / 1000, {
          platform: p.platform,
          emulated: String(Boolean(p.emulated)),
        });
      }
      if (p.pushDurationMs !== undefined) {
        this.pushDuration.record(p.pushDurationMs / 1000, {
          platform: p.platform,
        });
      }
    }
  }
}
