const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
};

/**
 * One or more `<number><unit>` parts, largest unit first: `30m`, `1h30m`, `2d`.
 * Shared with the images.yaml schema, so editors check durations too.
 */
export const SHORT_DURATION =
  /^(?=\d)(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses a short duration such as `30m`, `1h30m`, `2d` or `0s` into milliseconds.
 * Returns `undefined` for anything else (including durations too long to count in
 * milliseconds exactly), so callers can name the field in their error.
 *
 * @public
 */
export function parseShortDuration(text: string): number | undefined {
  const match = typeof text === 'string' ? SHORT_DURATION.exec(text) : null;
  if (!match) {
    return undefined;
  }
  const units = ['w', 'd', 'h', 'm', 's'];
  const total = units.reduce(
    (sum, unit, i) => sum + Number(match[i + 1] ?? 0) * UNIT_MS[unit],
    0,
  );
  return Number.isSafeInteger(total) ? total : undefined;
}
