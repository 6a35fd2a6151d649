import { analyzeDockerfile } from '../analysis';
import { DigestStore } from '../database';
import { trackingKey } from '../tracking';

/**
 * The digest of each base image of a Dockerfile, as far as the factory knows
 * it: the one pinned in the reference, else the current digest that tracking
 * last saw for it. Bases the factory has not seen are left out; a base that
 * changes then does not by itself make the run build again.
 */
export async function resolveBaseDigests(
  dockerfileText: string,
  buildArgs: Record<string, string> | undefined,
  digests: Pick<DigestStore, 'getCurrent'> | undefined,
): Promise<Record<string, string>> {
  const analysis = analyzeDockerfile(dockerfileText, { buildArgs });
  const resolved: Record<string, string> = {};
  for (const base of analysis.bases) {
    if (base.digest) {
      resolved[base.reference] = base.digest;
      continue;
    }
    const key = digests && trackingKey(base.reference);
    const current = key ? await digests.getCurrent(key) : undefined;
    if (current) resolved[base.reference] = current.digest.digest;
  }
  return resolved;
}
