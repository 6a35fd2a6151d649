const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
};

/** One or more `<number><unit>` parts, largest unit first: `30m`, `1h30m`, `2d`. */
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses a short duration such as `30m`, `1h30m`, `2d` or `0s` into milliseconds.
 * Returns `undefined` for anything else, so callers can name the field in their error.
 *
 * @public
 */
export function parseShortDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text.length === 0) {
    return undefined;
  }
  const units = ['w', 'd', 'h', 'm', 's'];
  return units.reduce(
    (total, unit, i) => total + Number(match[i + 1] ?? 0) * UNIT_MS[unit],
    0,
  );
}
