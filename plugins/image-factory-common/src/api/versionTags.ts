/*
 * Which tags are for people and which machines made: one rule for the
 * backend's `hideMachineTags` and the frontend's greyed tags.
 */

const MACHINE_TAG_PATTERNS: RegExp[] = [
  // The factory's run tags: `latest-20261123T201500.123Z`.
  /-\d{8}T\d{6}(?:\.\d+)?Z$/,
  // Bare timestamps and dates: `20261204`, `20261204101010`, `2026-12-04`.
  /^\d{8,14}$/,
  /^\d{4}-\d{2}-\d{2}(?:[T_-]\d{2}[.:-]?\d{2}(?:[.:-]?\d{2})?)?Z?$/,
  // Commit hashes: `sha-1a2b3c4`, `git-1a2b3c4d`, or a bare 7–40 hex with a digit and a letter.
  /^(?:sha|git|commit)[-_][0-9a-f]{7,64}$/i,
  /^(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}$/,
  // The factory's per-platform tags: `latest-linux-arm64-v8`.
  /-(?:linux|windows)-(?:amd64|arm64|arm|386|s390x|ppc64le|riscv64|mips64le)(?:-v\d+)?$/,
  // cosign and the OCI referrers tag schema: `sha256-<hex>[.sig|.att|.sbom]`.
  /^sha(?:256|512)-[0-9a-f]{32,128}(?:\.[a-z]+)?$/,
  // Build caches.
  /^(?:buildcache|cache)(?:[-_].*)?$/,
];

/**
 * Whether a tag looks machine-made: timestamps, commit hashes, the
 * factory's run and per-platform tags, cosign and referrers tags, caches.
 *
 * @public
 */
export function isMachineTag(tag: string): boolean {
  return MACHINE_TAG_PATTERNS.some(p => p.test(tag));
}

// `1`, `1.2`, `v1.2.3`, `3.11-slim`, `1.2.3-rc.1`: a version first, maybe a suffix.
const VERSION_TAG = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+._].+)?$/i;

/**
 * Whether a tag names a version (`1.2.3`, `v1.2`, `3.11-slim`); a bare long
 * number is a date or build number, not a version.
 *
 * @public
 */
export function isVersionTag(tag: string): boolean {
  const match = VERSION_TAG.exec(tag);
  if (!match) return false;
  if (match[2] === undefined && match[1].length > 4) return false;
  return !isMachineTag(tag);
}
