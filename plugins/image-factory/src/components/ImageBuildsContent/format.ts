import type {
  BuildCause,
  BuildLogLine,
} from '@image-factory/plugin-image-factory-common';

/** `sha256:` and the first 12 hex digits, e.g. `sha256:1a2b3c4d1a2b…`. */
export const shortDigest = (digest: string) =>
  digest.replace(/^(sha256:.{12}).{4,}$/, '$1…');

/** The first 12 characters of a commit. */
export const shortRevision = (revision: string) =>
  revision.length > 12 ? revision.slice(0, 12) : revision;

/** A local date and time, or a dash. */
export const when = (iso?: string) => {
  const date = iso ? new Date(iso) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toLocaleString() : '—';
};

/** `850 ms`, `12.3 s`, `1 min 35 s`, `2 h 3 min`; a dash when unknown. */
export function formatDuration(ms?: number): string {
  if (ms === undefined || ms < 0) {
    return '—';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${Math.round(ms / 100) / 10} s`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    const s = seconds % 60;
    return `${Math.floor(seconds / 60)} min${s ? ` ${s} s` : ''}`;
  }
  const minutes = Math.round(seconds / 60);
  const m = minutes % 60;
  return `${Math.floor(minutes / 60)} h${m ? ` ${m} min` : ''}`;
}

/** How each cause reads in the table. */
export const CAUSE_LABELS: Record<BuildCause, string> = {
  manual: 'Manual',
  enrollment: 'Enrollment',
  'config-change': 'Config changed',
  'base-change': 'Base image changed',
  emergency: 'Emergency',
  scheduled: 'Scheduled',
};

/** The log's text: one line per log line, prefixed by its platform if any. */
export function logText(lines: BuildLogLine[], prefix: boolean): string {
  return lines
    .map(l => (prefix && l.platform ? `[${l.platform}] ${l.text}` : l.text))
    .join('\n');
}

/**
 * How far a time is from now: `in 2 h 5 min`, `35 min ago`, `now`; a dash
 * when unknown.
 */
export function relativeTime(iso?: string, now = Date.now()): string {
  const time = iso ? new Date(iso).getTime() : NaN;
  if (Number.isNaN(time)) {
    return '—';
  }
  const diff = time - now;
  const abs = Math.abs(diff);
  if (abs < 60_000) {
    return 'now';
  }
  // Whole minutes, and whole days past two days.
  const text =
    abs >= 2 * 86_400_000
      ? `${Math.round(abs / 86_400_000)} d`
      : formatDuration(Math.round(abs / 60_000) * 60_000);
  return diff > 0 ? `in ${text}` : `${text} ago`;
}
