import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { TrackingMetrics } from './TrackingMetrics';

describe('TrackingMetrics', () => {
  it('counts checks by result, rate-limit waits by reason and digest changes, per registry', () => {
    const metrics = metricsServiceMock.mock();
    const tracking = TrackingMetrics.create({ metrics });
    const counter = (name: string) => {
      const fn = metrics.createCounter as jest.Mock;
      return fn.mock.results[fn.mock.calls.findIndex(c => c[0] === name)].value;
    };
    const checks = counter('image_factory_tracking_checks_total');
    const waits = counter('image_factory_tracking_rate_limit_waits_total');
    const changes = counter('image_factory_tracking_digest_changes_total');

    tracking.checked('docker.io', 'unchanged');
    tracking.checked('ghcr.io', 'rate_limited');
    tracking.rateLimitWait('docker.io', 'budget');
    tracking.rateLimitWait('ghcr.io', '429');
    tracking.rateLimitWait('quay.io', 'ratelimit-header');
    tracking.digestChanged('docker.io');

    expect(checks.add.mock.calls).toEqual([
      [1, { registry: 'docker.io', result: 'unchanged' }],
      [1, { registry: 'ghcr.io', result: 'rate_limited' }],
    ]);
    expect(waits.add.mock.calls).toEqual([
      [1, { registry: 'docker.io', reason: 'budget' }],
      [1, { registry: 'ghcr.io', reason: '429' }],
      [1, { registry: 'quay.io', reason: 'ratelimit-header' }],
    ]);
    expect(changes.add.mock.calls).toEqual([[1, { registry: 'docker.io' }]]);
  });
});
