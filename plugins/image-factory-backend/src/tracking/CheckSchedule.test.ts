import { CheckSchedule } from './CheckSchedule';
import { RegistryBudgets } from './RegistryBudgets';

const HOUR = 60 * 60 * 1000;
const now = new Date('2026-11-01T00:00:00Z');
const due = (reference: string, registry: string) => ({
  reference,
  registry,
  nextCheckAt: now,
});

describe('CheckSchedule', () => {
  const budgets = RegistryBudgets.create({
    registries: [{ host: 'ghcr.io', intervalMs: 6 * HOUR }],
  });

  it("takes a reference's own interval, else its host's, else the default", () => {
    const schedule = new CheckSchedule({ intervalMs: 24 * HOUR, budgets });
    schedule.setReferenceIntervals(new Map([['ghcr.io/a/b:1', HOUR]]));
    expect(schedule.intervalOf(due('ghcr.io/a/b:1', 'ghcr.io'))).toBe(HOUR);
    expect(schedule.intervalOf(due('ghcr.io/a/c:1', 'ghcr.io'))).toBe(6 * HOUR);
    expect(schedule.intervalOf(due('quay.io/a/c:1', 'quay.io'))).toBe(
      24 * HOUR,
    );
  });

  it('spreads a wait by up to the jitter, both ways', () => {
    const at = (random: number) =>
      new CheckSchedule({ jitter: 0.1, random: () => random, budgets })
        .after(now, 10 * HOUR)
        .getTime() - now.getTime();
    expect(at(0)).toBe(9 * HOUR);
    expect(at(0.5)).toBe(10 * HOUR);
    expect(at(0.999999)).toBeLessThanOrEqual(11 * HOUR);
    expect(at(0.999999)).toBeGreaterThan(10.99 * HOUR);
  });

  it('refuses a jitter outside [0, 1)', () => {
    expect(() => new CheckSchedule({ jitter: 1, budgets })).toThrow(
      'jitter: must be in [0, 1), got 1',
    );
  });
});
