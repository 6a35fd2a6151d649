import { createHash } from 'crypto';

const ALGORITHMS = new Set(['sha256', 'sha384', 'sha512']);

/** The `sha256:<hex>` digest of some bytes, as content-addressed by registries. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Whether `digest` is the digest of `bytes`, computed with the digest's own
 * algorithm (sha256, sha384 or sha512; any other never matches).
 */
export function digestMatches(bytes: Uint8Array, digest: string): boolean {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  if (colon === -1 || !ALGORITHMS.has(algorithm)) return false;
  const hex = createHash(algorithm).update(bytes).digest('hex');
  return digest.slice(colon + 1) === hex;
}
