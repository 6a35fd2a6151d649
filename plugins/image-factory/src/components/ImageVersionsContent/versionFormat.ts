/**
 * A tag that names a semantic version: `1.2.3`, `v1.2`, `3.11-slim`,
 * `1.27.0-alpine3.20`. A bare number (`22`) counts too, but not a long one,
 * which is a timestamp.
 */
const SEMVER_TAG = /^v?\d{1,6}(\.\d+){0,3}([-+][0-9A-Za-z][0-9A-Za-z.+-]*)?$/;

/**
 * Tags a machine wrote for traceability rather than a person for pulling:
 * `sha-1a2b3c4`, cosign's `sha256-….sig|att|sbom`, timestamps
 * (`20261123T201500.123Z`, `2026-11-23`, Unix seconds) and the factory's
 * versioned run tags (`latest-20261123T201500.123Z`). The backend hides the
 * same ones with `hideMachineTags`; here they are only greyed.
 */
const MACHINE_TAG = [
  /^sha-[0-9a-f]{7,64}$/i,
  /^sha256-[0-9a-f]{64}(\.[a-z]+)?$/i,
  /\d{8}T?\d{4,6}(\.\d+)?Z?$/,
  /(^|-)\d{4}-\d{2}-\d{2}([T_-]\d{2}[-:.]?\d{2}([-:.]?\d{2})?)?Z?$/,
  /^\d{9,}$/,
];

/** True for a tag a machine wrote (see {@link MACHINE_TAG}). */
export const isMachineTag = (tag: string) =>
  MACHINE_TAG.some(pattern => pattern.test(tag));

/** True for a tag that reads as a semantic version and not as a timestamp. */
export const isSemverTag = (tag: string) =>
  SEMVER_TAG.test(tag) && !isMachineTag(tag);

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
