import { createHash } from 'crypto';

/** Longest entity name the catalog accepts. */
const MAX_NAME = 63;

/**
 * The Image entity name of a base found only in Dockerfiles, derived from its
 * graph key: `docker.io/library/node:22` → `docker-io-library-node-22`. A name
 * longer than the catalog allows keeps its start and ends with a hash of the
 * whole reference, so that two long references never share a name.
 */
export function discoveredBaseName(key: string): string {
  const name = key
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME - 9).replace(/-+$/, '')}-${hash}`;
}
