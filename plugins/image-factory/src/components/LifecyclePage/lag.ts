import type { LifecycleOverviewStage } from '@image-factory/plugin-image-factory-common';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/** `12 days`, `1 day`, `5 h`, `20 min`: whole days from a day on. */
export function lagDuration(ms: number): string {
  if (ms >= DAY) return plural(Math.floor(ms / DAY), 'day', 'days');
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}

/**
 * How far a stage lags the image's newest build: `newest`, or
 * `4 versions / 12 days behind`; `—` for an empty stage or when the backend
 * could not tell.
 */
export function lagText(stage: LifecycleOverviewStage): string {
  if (!stage.digest || stage.versionsBehind === undefined) return '—';
  if (stage.versionsBehind === 0) return 'newest';
  const versions = plural(stage.versionsBehind, 'version', 'versions');
  const time =
    stage.behindMs === undefined ? '' : ` / ${lagDuration(stage.behindMs)}`;
  return `${versions}${time} behind`;
}
