/**
 * Tags that hold something about another manifest, not a version: cosign's
 * `sha256-<hex>.sig|.att|.sbom`, and the OCI referrers tag schema
 * `sha256-<hex>` (distribution-spec v1.1, "Referrers Tag Schema").
 */
export interface AttachmentTag {
  /** The digest of the manifest it is about (`sha256:<hex>`). */
  subject: string;
  kind: 'signature' | 'attestation' | 'sbom' | 'referrers';
}

const COSIGN_SUFFIX_KIND = {
  sig: 'signature',
  att: 'attestation',
  sbom: 'sbom',
} as const;

// The tag schema truncates the algorithm to 32 and the hex to 64 characters.
const ATTACHMENT_TAG =
  /^([a-z0-9]{1,32})-([a-f0-9]{32,64})(?:\.(sig|att|sbom))?$/;

/** The subject and kind of an attachment tag, or undefined for any other tag. */
export function parseAttachmentTag(tag: string): AttachmentTag | undefined {
  const match = ATTACHMENT_TAG.exec(tag);
  if (!match) return undefined;
  const [, algorithm, hex, suffix] = match;
  // Only sha256 and sha512 are digest algorithms a registry accepts.
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return undefined;
  return {
    subject: `${algorithm}:${hex}`,
    kind: suffix
      ? COSIGN_SUFFIX_KIND[suffix as keyof typeof COSIGN_SUFFIX_KIND]
      : 'referrers',
  };
}
