import { ConfigReader } from '@backstage/config';
import { readTrackingConfig } from './readTrackingConfig';

const HOUR = 60 * 60 * 1000;
const read = (tracking: object) =>
  readTrackingConfig(new ConfigReader({ imageFactory: { tracking } }));

describe('readTrackingConfig registries', () => {
  it('gives Docker Hub a conservative budget and leaves other hosts unlimited', () => {
    expect(read({}).registries).toEqual([
      { host: 'docker.io', requestsPerHour: 16, burst: 16 },
    ]);
  });

  it('reads a budget and interval per host, keyed like image references', () => {
    const { registries } = read({
      registries: {
        hub: { host: 'index.docker.io', requestsPerHour: 40 },
        ghcr: { host: 'ghcr.io', requestsPerHour: 500, burst: 50 },
        local: { host: 'localhost:5000', interval: { hours: 1 } },
        quay: { host: 'quay.io', enabled: false },
      },
    });
    expect(registries).toEqual([
      // Docker Hub's burst follows a rate given without one.
      { host: 'docker.io', requestsPerHour: 40 },
      { host: 'ghcr.io', requestsPerHour: 500, burst: 50 },
      { host: 'localhost:5000', intervalMs: HOUR },
      { host: 'quay.io', enabled: false },
    ]);
  });

  it('stops startup naming the key of a bad value', () => {
    expect(() =>
      read({ registries: { a: { host: 'ghcr.io', requestsPerHour: 0 } } }),
    ).toThrow(
      'imageFactory.tracking.registries.a.requestsPerHour: must be a number above 0, got 0',
    );
    expect(() =>
      read({
        registries: { a: { host: 'ghcr.io', requestsPerHour: 1, burst: 2.5 } },
      }),
    ).toThrow(
      'imageFactory.tracking.registries.a.burst: must be a whole number of at least 1, got 2.5',
    );
    expect(() =>
      read({ registries: { a: { host: 'ghcr.io', burst: 2 } } }),
    ).toThrow(
      'imageFactory.tracking.registries.a.burst: needs requestsPerHour, the rate the bucket refills at',
    );
    expect(() =>
      read({
        registries: { a: { host: 'ghcr.io' }, b: { host: 'ghcr.io' } },
      }),
    ).toThrow(
      "imageFactory.tracking.registries.b.host: 'ghcr.io' has a budget already; one entry per host",
    );
  });
});
