import fc from 'fast-check';
import { parseShortDuration } from './duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

describe('parseShortDuration', () => {
  it.each([
    ['0s', 0],
    ['45s', 45 * SECOND],
    ['30m', 30 * MINUTE],
    ['90m', 90 * MINUTE],
    ['6h', 6 * HOUR],
    ['2d', 2 * DAY],
    ['1w', WEEK],
    ['1h30m', HOUR + 30 * MINUTE],
    ['1w2d3h4m5s', WEEK + 2 * DAY + 3 * HOUR + 4 * MINUTE + 5 * SECOND],
    ['007m', 7 * MINUTE],
  ])('reads %s', (text, ms) => {
    expect(parseShortDuration(text)).toBe(ms);
  });

  it.each([
    ['empty', ''],
    ['a bare number', '30'],
    ['a unit without a number', 'h'],
    ['units out of order', '30m1h'],
    ['a unit twice', '1h1h'],
    ['a fraction', '1.5h'],
    ['a negative number', '-1h'],
    ['an uppercase unit', '30M'],
    ['an unknown unit', '3y'],
    ['spaces', '1h 30m'],
    ['a leading space', ' 1h'],
    ['ISO 8601', 'PT1H'],
    ['too long to count in milliseconds', '99999999999999w'],
  ])('rejects %s', (_, text) => {
    expect(parseShortDuration(text)).toBeUndefined();
  });

  it('adds up its parts', () => {
    const part = fc.option(fc.integer({ min: 0, max: 10_000 }), {
      nil: undefined,
    });
    fc.assert(
      fc.property(fc.tuple(part, part, part, part, part), parts => {
        const units = ['w', 'd', 'h', 'm', 's'];
        const text = parts
          .map((n, i) => (n === undefined ? '' : `${n}${units[i]}`))
          .join('');
        fc.pre(text.length > 0);
        const [w = 0, d = 0, h = 0, m = 0, s = 0] = parts;
        expect(parseShortDuration(text)).toBe(
          w * WEEK + d * DAY + h * HOUR + m * MINUTE + s * SECOND,
        );
      }),
    );
  });
});
