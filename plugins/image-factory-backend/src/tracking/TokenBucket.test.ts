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
