/**
 * Tags that by convention never move once pushed: the factory's run tags
 * (`latest-20261123T201500.123Z`) and commit tags (`sha-1a2b3c4`). A new
 * listing reuses the digest it knew for them instead of asking again;
 * every other tag (`latest`, `1.2`, per-platform tags) is asked each time.
 */
const IMMUTABLE_TAG_PATTERNS: RegExp[] = [
  /-\d{8}T\d{6}(?:\.\d+)?Z$/,
  /^(?:sha|git|commit)[-_][0-9a-f]{7,64}$/i,
];

export function isImmutableTag(tag: string): boolean {
  return IMMUTABLE_TAG_PATTERNS.some(p => p.test(tag));
}
