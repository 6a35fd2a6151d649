/**
 * `latest` + 2026-11-23T20:15:00.123Z → `latest-20261123T201500.123Z`: the tag a
 * run's index is also pushed under, sortable, kept until retention removes it.
 */
export function versionTagOf(tag: string, startedAt: Date): string {
  // Milliseconds too: two quick runs of one image must not share a tag.
  const stamp = startedAt.toISOString().replace(/[-:]/g, '');
  // Tags are at most 128 characters.
  return `${tag.slice(0, 128 - stamp.length - 1)}-${stamp}`;
}

/** `latest` + `linux/arm64/v8` → `latest-linux-arm64-v8`: where one platform is pushed. */
export function platformTag(tag: string, platform: string): string {
  return `${tag}-${platform.split('/').join('-')}`;
}
