import { PlatformDigest } from '../database';
import { ManifestJson } from '../registry';

/**
 * Each platform's child digest of an image index or manifest list, as
 * `os/arch[/variant]`; empty for a single-platform manifest. Entries without
 * a platform, and the `unknown/unknown` entries that BuildKit adds for
 * attestations, are not images anyone runs, so they are left out.
 */
export function indexPlatforms(json: ManifestJson): PlatformDigest[] {
  if (!Array.isArray(json.manifests)) return [];
  const out: PlatformDigest[] = [];
  for (const entry of json.manifests) {
    const platform = entry.platform;
    if (!platform?.os || !platform.architecture) continue;
    if (platform.os === 'unknown' || platform.architecture === 'unknown') {
      continue;
    }
    const name = [platform.os, platform.architecture, platform.variant]
      .filter(Boolean)
      .join('/');
    out.push({ platform: name, digest: entry.digest });
  }
  return out;
}
