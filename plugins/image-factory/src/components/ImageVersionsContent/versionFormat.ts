import {
  isMachineTag,
  isVersionTag,
} from '@image-factory/plugin-image-factory-common';

// One rule with the backend's `hideMachineTags`: here such tags are greyed.
export { isMachineTag };

/** True for a tag that reads as a version and not as a timestamp. */
export const isSemverTag = isVersionTag;

/** The tags in the order the table shows them: semantic versions first, machine tags last. */
export function orderTags(tags: string[]): string[] {
  const rank = (tag: string) => {
    if (isSemverTag(tag)) return 0;
    return isMachineTag(tag) ? 2 : 1;
  };
  // Array.prototype.sort is stable, so the backend's order holds within a rank.
  return [...tags].sort((a, b) => rank(a) - rank(b));
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Compressed sizes in decimal units as registries show them: `812 B`, `3.4 MB`. */
export function formatBytes(bytes?: number): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    return '—';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/**
 * `registry/repository@sha256:…` of one platform manifest, from the
 * version's pull reference by digest.
 */
export function pullByDigest(byDigest: string, digest: string): string {
  const at = byDigest.lastIndexOf('@');
  return `${at >= 0 ? byDigest.slice(0, at) : byDigest}@${digest}`;
}

/** How each kind of attachment reads on its chip. */
export const ATTACHMENT_LABELS: Record<string, string> = {
  attestation: 'attestation',
  signature: 'signature',
  sbom: 'SBOM',
  artifact: 'artifact',
};
