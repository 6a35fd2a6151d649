import { mockServices } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { BuildMetrics } from './BuildMetrics';

const run: BuildRun = {
  id: 'r1',
  imageName: 'hello',
  entityRef: 'image:default/hello',
  cause: 'manual',
  status: 'succeeded',
  inputs: { platforms: ['linux/amd64', 'linux/s390x'] },
  platforms: [
    {
      platform: 'linux/amd64',
      status: 'succeeded',
      emulated: false,
      buildDurationMs: 2000,
      pushDurationMs: 500,
    },
    {
      platform: 'linux/s390x',
      status: 'succeeded',
      emulated: true,
      buildDurationMs: 8000,
      pushDurationMs: 700,
    },
  ],
  attempts: 1,
  createdAt: '2026-11-23T10:00:00.000Z',
};

describe('BuildMetrics', () => {
  it('counts a finished run and records per-platform build and push durations, and observes the queue depth', async () => {
    const metrics = metricsServiceMock.mock();
    const buildMetrics = BuildMetrics.create({
      metrics,
      queueDepth: async () => 3,
      logger: mockServices.logger.mock(),
    });
    const instrument = (fn: jest.Mock, name: string) =>
      fn.mock.results[fn.mock.calls.findIndex(c => c[0] === name)].value;
    const runs = instrument(
      metrics.createCounter as jest.Mock,
      'image_factory_build_runs_total',
    );
    const builds = instrument(
      metrics.createHistogram as jest.Mock,
      'image_factory_build_duration_seconds',
    );
    const pushes = instrument(
      metrics.createHistogram as jest.Mock,
      'image_factory_push_duration_seconds',
    );
    const gauge = instrument(
      metrics.createObservableGauge as jest.Mock,
      'image_factory_queue_depth',
    );

    buildMetrics.runFinished(run);
    buildMetrics.runFinished({
      ...run,
      status: 'failed',
      errorType: 'auth',
      platforms: [],
    });

    expect(runs.add.mock.calls).toEqual([
      [1, { status: 'succeeded', error_type: 'none', cause: 'manual' }],
      [1, { status: 'failed', error_type: 'auth', cause: 'manual' }],
    ]);
    expect(builds.record.mock.calls).toEqual([
      [2, { platform: 'linux/amd64', emulated: 'false' }],
      [8, { platform: 'linux/s390x', emulated: 'true' }],
    ]);
    expect(pushes.record.mock.calls).toEqual([
      [0.5, { platform: 'linux/amd64' }],
      [0.7, { platform: 'linux/s390x' }],
    ]);
    const observe = jest.fn();
    await gauge.addCallback.mock.calls[0][0]({ observe });
    expect(observe).toHaveBeenCalledWith(3);
  });
});
