import { ImageVersionListQuery } from '@image-factory/plugin-image-factory-common';
import { InputError } from '@backstage/errors';
import { VersionDetails } from './details/types';
import { runTagTime, VersionEntry } from './groupVersions';
import { isMachineTag } from '@image-factory/plugin-image-factory-common';
import { compareTagsBySemver, semverOfTag } from './tags/semverOfTag';

/**
 * The best date known for a version: when the factory built it (its run
 * tag), else its config's `created`, else the registry's push time. A
 * build whose steps all came from the cache keeps an older `created`, so
 * the run tag goes first.
 */
export function versionTime(
  entry: VersionEntry,
  details?: VersionDetails,
): number | undefined {
  const runTimes = entry.tags
    .map(runTagTime)
    .filter((t): t is Date => !!t)
    .map(t => t.getTime());
  if (runTimes.length > 0) return Math.max(...runTimes);
  if (details?.createdAt) return Date.parse(details.createdAt);
  return entry.pushedAt?.getTime();
}

/** Newest first; versions without a known date last, by digest. */
function byDate(
  a: VersionEntry,
  b: VersionEntry,
  details: Map<string, VersionDetails>,
): number {
  const ta = versionTime(a, details.get(a.digest));
  const tb = versionTime(b, details.get(b.digest));
  if (ta !== undefined && tb !== undefined && ta !== tb) return tb - ta;
  if (ta !== undefined && tb === undefined) return -1;
  if (ta === undefined && tb !== undefined) return 1;
  return a.digest.localeCompare(b.digest, 'en');
}

/** Highest semantic version tag first, then by date. */
function bySemver(
  a: VersionEntry,
  b: VersionEntry,
  details: Map<string, VersionDetails>,
): number {
  const sa = a.tags.find(t => semverOfTag(t));
  const sb = b.tags.find(t => semverOfTag(t));
  if (sa && sb) {
    const c = compareTagsBySemver(sa, sb);
    if (c !== 0) return c;
  } else if (sa || sb) {
    return sa ? -1 : 1;
  }
  return byDate(a, b, details);
}

/** Filters and sorts versions as the list query says. */
export function queryVersions(
  entries: VersionEntry[],
  details: Map<string, VersionDetails>,
  query: Pick<ImageVersionListQuery, 'q' | 'sort' | 'hideMachineTags'>,
): VersionEntry[] {
  const needle = query.q?.trim().toLowerCase();
  const shown = entries
    .map(e =>
      query.hideMachineTags
        ? { ...e, tags: e.tags.filter(t => !isMachineTag(t)) }
        : e,
    )
    .filter(e => e.tags.length > 0)
    .filter(e => !needle || e.tags.some(t => t.toLowerCase().includes(needle)));
  const compare = query.sort === 'date' ? byDate : bySemver;
  return shown.sort((a, b) => compare(a, b, details));
}

/** The newest version by date, for "behind" markers. */
export function newestVersion(
  entries: VersionEntry[],
  details: Map<string, VersionDetails>,
): VersionEntry | undefined {
  return [...entries].sort((a, b) => byDate(a, b, details))[0];
}

/** `cursor` is the offset of the next page, opaque to clients. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Number.isSafeInteger(parsed?.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // Falls through to the error below.
  }
  throw new InputError(`cursor: '${cursor}' is not a cursor this API returned`);
}
