/**
 * Tags that machines make and people rarely pull by name: timestamps, commit
 * and content hashes, the factory's versioned run tags and per-platform tags.
 * "Hide machine tags" hides them; a version with only such tags is hidden too.
 */
const MACHINE_TAG_PATTERNS: RegExp[] = [
  // The factory's run tags: `latest-20261123T201500.123Z` (runTags.ts).
  /-\d{8}T\d{6}(?:\.\d+)?Z$/,
  // Bare timestamps and dates: `20261204`, `20261204101010`, `2026-12-04`, `1733400000`.
  /^\d{8,14}$/,
  /^\d{4}-\d{2}-\d{2}(?:[T_-]\d{2}[.:-]?\d{2}(?:[.:-]?\d{2})?)?$/,
  // Commit hashes: `sha-1a2b3c4`, `git-1a2b3c4d`, or a bare 7–40 hex with a digit and a letter.
  /^(?:sha|git|commit)[-_][0-9a-f]{7,64}$/i,
  /^(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}$/,
  // The factory's per-platform tags: `latest-linux-arm64-v8` (runTags.ts).
  /-(?:linux|windows)-(?:amd64|arm64|arm|386|s390x|ppc64le|riscv64|mips64le)(?:-v\d+)?$/,
  // Build caches.
  /^(?:buildcache|cache)(?:[-_].*)?$/,
];

/** Whether a tag looks machine-made (see the patterns above). */
export function isMachineTag(tag: string): boolean {
  return MACHINE_TAG_PATTERNS.some(p => p.test(tag));
}
