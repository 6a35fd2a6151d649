import { WatchedReference } from '../database';
import { RegistryBudgets } from './RegistryBudgets';
import { TokenBucket } from './TokenBucket';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const t0 = new Date('2026-11-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('TokenBucket', () => {
  it('starts full, lets a burst through, then refills at its rate', () => {
    // Docker Hub's anonymous limit: 100 per 6 hours, so one token per 3.6 minutes.
    const bucket = new TokenBucket({
      requestsPerHour: 100 / 6,
      burst: 3,
      now: t0,
    });
    expect(bucket.available(t0)).toBe(3);
    expect([1, 2, 3, 4].map(() => bucket.tryTake(t0))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.nextTokenAt(t0)).toEqual(at(3.6 * MINUTE));
    expect(bucket.tryTake(at(3.6 * MINUTE - 1))).toBe(false);
    expect(bucket.tryTake(at(3.6 * MINUTE))).toBe(true);
    expect(bucket.tryTake(at(3.6 * MINUTE))).toBe(false);
  });

  it('never holds more than its burst, however long it rests', () => {
    const bucket = new TokenBucket({ requestsPerHour: 60, burst: 5, now: t0 });
    for (let i = 0; i < 5; i++) bucket.tryTake(t0);
    expect(bucket.available(at(2 * MINUTE))).toBeCloseTo(2);
    expect(bucket.available(at(24 * HOUR))).toBe(5);
    expect(bucket.nextTokenAt(at(24 * HOUR))).toEqual(at(24 * HOUR));
  });

  it('gains nothing when the clock goes back', () => {
    const bucket = new TokenBucket({ requestsPerHour: 60, burst: 1, now: t0 });
    expect(bucket.tryTake(at(HOUR))).toBe(true);
    expect(bucket.tryTake(at(0))).toBe(false);
    expect(bucket.nextTokenAt(at(HOUR))).toEqual(at(HOUR + MINUTE));
  });

  it('lends a token that the following requests pay back', () => {
    const bucket = new TokenBucket({ requestsPerHour: 60, burst: 1, now: t0 });
    expect(bucket.tryTake(t0)).toBe(true);
    bucket.takeOnCredit(t0);
    expect(bucket.available(t0)).toBe(-1);
    expect(bucket.nextTokenAt(t0)).toEqual(at(2 * MINUTE));
    expect(bucket.tryTake(at(MINUTE))).toBe(false);
    expect(bucket.tryTake(at(2 * MINUTE))).toBe(true);
  });

  it('refuses a rate or burst that cannot work', () => {
    expect(
      () => new TokenBucket({ requestsPerHour: 0, burst: 1, now: t0 }),
    ).toThrow(/requestsPerHour: must be a number above 0, got 0/);
    expect(
      () => new TokenBucket({ requestsPerHour: 1, burst: 0.5, now: t0 }),
    ).toThrow(/burst: must be a whole number of at least 1, got 0.5/);
  });
});

describe('RegistryBudgets', () => {
  const watched = (reference: string, registry: string, next: Date) =>
    ({ reference, registry, nextCheckAt: next } as WatchedReference);

  it('limits configured hosts only, counts what was sent per hour and day, and reports every host', () => {
    const budgets = RegistryBudgets.create({
      registries: [
        { host: 'docker.io', requestsPerHour: 2, burst: 2 },
        { host: 'ghcr.io', intervalMs: 6 * HOUR },
      ],
      now: t0,
    });
    expect(budgets.take('docker.io', t0)).toBe(true);
    expect(budgets.take('docker.io', at(MINUTE))).toBe(true);
    // One token every 30 minutes; a thirtieth of one came back in the first minute.
    expect(budgets.take('docker.io', at(MINUTE))).toEqual(at(30 * MINUTE));
    for (let i = 0; i < 10; i++) {
      expect(budgets.take('ghcr.io', at(80 * MINUTE))).toBe(true);
    }
    budgets.recordReported(
      'docker.io',
      { limit: 100, remaining: 76, windowMs: 21_600_000 },
      at(MINUTE),
    );
    budgets.recordPostponed('docker.io', at(30 * MINUTE), 'budget');
    budgets.recordError('quay.io', 'RegistryUnavailableError: down', t0);

    // While it waits, the host says until when, why, and when a token comes.
    const empty = budgets.snapshot(at(MINUTE), [], 24 * HOUR)[0];
    expect(empty).toMatchObject({
      tokensLeft: 0,
      nextTokenAt: at(30 * MINUTE).toISOString(),
      postponedUntil: at(30 * MINUTE).toISOString(),
      postponedReason: 'budget',
      requestsLastHour: 2,
    });

    expect(budgets.intervalFor('ghcr.io', 24 * HOUR)).toBe(6 * HOUR);
    expect(budgets.intervalFor('docker.io', 24 * HOUR)).toBe(24 * HOUR);

    const now = at(90 * MINUTE);
    const snapshot = budgets.snapshot(
      now,
      [
        watched('docker.io/library/debian:12', 'docker.io', at(31 * MINUTE)),
        watched('docker.io/library/node:22', 'docker.io', at(HOUR)),
        watched('registry.k8s.io/pause:3', 'registry.k8s.io', at(HOUR)),
      ],
      24 * HOUR,
    );
    expect(snapshot).toEqual([
      {
        host: 'docker.io',
        requestsPerHour: 2,
        burst: 2,
        tokensLeft: 2,
        intervalMs: 24 * HOUR,
        // Both requests were sent in the first minute, which is more than an hour ago.
        requestsLastHour: 0,
        requestsLastDay: 2,
        reported: {
          limit: 100,
          remaining: 76,
          windowSeconds: 21600,
          reportedAt: at(MINUTE).toISOString(),
        },
        watchedReferences: 2,
        nextCheckAt: at(31 * MINUTE).toISOString(),
      },
      {
        host: 'ghcr.io',
        intervalMs: 6 * HOUR,
        requestsLastHour: 10,
        requestsLastDay: 10,
        watchedReferences: 0,
      },
      {
        host: 'quay.io',
        intervalMs: 24 * HOUR,
        requestsLastHour: 0,
        requestsLastDay: 0,
        watchedReferences: 0,
        lastError: 'RegistryUnavailableError: down',
        lastErrorAt: t0.toISOString(),
      },
      {
        host: 'registry.k8s.io',
        intervalMs: 24 * HOUR,
        requestsLastHour: 0,
        requestsLastDay: 0,
        watchedReferences: 1,
        nextCheckAt: at(HOUR).toISOString(),
      },
    ]);
  });
});
