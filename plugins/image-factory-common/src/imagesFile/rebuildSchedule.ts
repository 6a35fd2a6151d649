import { parseShortDuration, SHORT_DURATION } from './duration';

/** Named schedules of `rebuild.schedule`, as intervals. */
const NAMED_SCHEDULES_MS: Record<string, number> = {
  hourly: 60 * 60 * 1000,
  daily: 24 * 60 * 60 * 1000,
  weekly: 7 * 24 * 60 * 60 * 1000,
};

/** The shortest interval a schedule may have: more often would only queue skipped runs. */
export const MIN_REBUILD_SCHEDULE_MS = 60 * 60 * 1000;

/**
 * `hourly`, `daily`, `weekly`, `off`, or a short duration such as `12h` or
 * `7d`. Shared with the images.yaml JSON Schema, so editors check it too.
 */
export const REBUILD_SCHEDULE = new RegExp(
  `^(?:hourly|daily|weekly|off|${SHORT_DURATION.source.slice(1, -1)})$`,
);

/** What a bad `rebuild.schedule` (or `imageFactory.rebuilds.defaultSchedule`) is told. */
export const REBUILD_SCHEDULE_RULE =
  "must be 'hourly', 'daily', 'weekly', 'off' or a duration of at least 1h such as '12h' or '7d'";

/**
 * Parses a rebuild schedule: the interval in milliseconds between scheduled
 * builds, `null` for `off`, `undefined` when the text is not a schedule (or
 * is shorter than an hour), so callers can name the field in their error.
 *
 * @public
 */
export function parseRebuildSchedule(text: string): number | null | undefined {
  if (typeof text !== 'string') return undefined;
  if (text === 'off') return null;
  const ms = NAMED_SCHEDULES_MS[text] ?? parseShortDuration(text);
  return ms !== undefined && ms >= MIN_REBUILD_SCHEDULE_MS ? ms : undefined;
}
