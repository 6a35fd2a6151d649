import semver, { SemVer } from 'semver';

// `1`, `1.2`, `v1.2.3`, `3.11-slim`, `1.2.3-rc.1`: a version first, maybe a suffix.
const VERSIONISH = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:([-+._])(.+))?$/i;

/**
 * The semantic version a tag names, or undefined. Full versions (`1.2.3`,
 * `v1.2.3-rc.1`) parse as they are; partial ones (`3.11`, `3.11-slim`) are
 * completed with zeros, and a suffix that is not a pre-release (`-slim`,
 * `-alpine3.20`) is a variant of the same version, kept for the order.
 */
export function semverOfTag(
  tag: string,
): { version: SemVer; variant?: string } | undefined {
  const full = semver.parse(tag, { loose: true });
  if (full && /^v?\d+\.\d+\.\d+/.test(tag)) {
    // `1.2.3-slim` parses as a pre-release; a word with no digit is a variant.
    const pre = full.prerelease.join('.');
    if (pre && !/\d/.test(pre) && !/^(?:alpha|beta|rc|pre|dev)/i.test(pre)) {
      return {
        version: new SemVer(`${full.major}.${full.minor}.${full.patch}`),
        variant: pre,
      };
    }
    return { version: full };
  }
  const match = VERSIONISH.exec(tag);
  if (!match) return undefined;
  const [, major, minor, patch, , suffix] = match;
  // A bare large number is a date or a build number, not a version.
  if (minor === undefined && major.length > 4) return undefined;
  const version = new SemVer(`${major}.${minor ?? 0}.${patch ?? 0}`);
  return suffix ? { version, variant: suffix } : { version };
}

/**
 * Orders tags highest version first; a plain version before its variants
 * (`3.11` before `3.11-slim`), and tags without a version last, by name.
 */
export function compareTagsBySemver(a: string, b: string): number {
  const va = semverOfTag(a);
  const vb = semverOfTag(b);
  if (va && !vb) return -1;
  if (!va && vb) return 1;
  if (va && vb) {
    const byVersion = semver.rcompare(va.version, vb.version);
    if (byVersion !== 0) return byVersion;
    if (!va.variant && vb.variant) return -1;
    if (va.variant && !vb.variant) return 1;
  }
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
