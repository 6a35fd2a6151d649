import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { RefineryMetrics } from './RefineryMetrics';
import { NO_HINTS } from './build/hints';

describe('RefineryMetrics', () => {
  it('counts refined sdists by outcome and cause, and times each attempt, QEMU apart', () => {
    const metrics = metricsServiceMock.mock();
    const refinery = new RefineryMetrics(metrics);
    const instrument = (fn: jest.Mock, name: string) =>
      fn.mock.results[fn.mock.calls.findIndex(c => c[0] === name)].value;
    const builds = instrument(
      metrics.createCounter as jest.Mock,
      'image_factory_refinery_builds_total',
    );
    const attempts = instrument(
      metrics.createHistogram as jest.Mock,
      'image_factory_refinery_build_attempt_duration_seconds',
    );

    refinery.refined('linux/s390x', {
      status: 'published',
      buildKey: 'k1',
      files: [],
      attempts: [
        {
          attempt: 1,
          hints: NO_HINTS,
          durationMs: 12_000,
          emulated: true,
          failure: {
            cause: 'missing-header',
            missing: 'ffi.h',
            transient: false,
            message: '',
          },
        },
        { attempt: 2, hints: NO_HINTS, durationMs: 40_000, emulated: true },
      ],
    });
    refinery.refined('linux/amd64', {
      status: 'reused',
      buildKey: 'k2',
      files: [],
      attempts: [],
    });
    refinery.refined('linux/amd64', {
      status: 'failed',
      buildKey: 'k3',
      files: [],
      attempts: [
        { attempt: 1, hints: NO_HINTS, durationMs: 500, emulated: false },
      ],
      failure: { cause: 'compiler-error', transient: false, message: '' },
    });

    expect(builds.add.mock.calls).toEqual([
      [1, { platform: 'linux/s390x', result: 'published', cause: 'none' }],
      [1, { platform: 'linux/amd64', result: 'reused', cause: 'none' }],
      [
        1,
        { platform: 'linux/amd64', result: 'failed', cause: 'compiler-error' },
      ],
    ]);
    expect(attempts.record.mock.calls).toEqual([
      [12, { platform: 'linux/s390x', emulated: 'true', result: 'failed' }],
      [40, { platform: 'linux/s390x', emulated: 'true', result: 'succeeded' }],
      [
        0.5,
        { platform: 'linux/amd64', emulated: 'false', result: 'succeeded' },
      ],
    ]);
  });
});
