import { analyzeDockerfile, usedWithFixedPlatform } from '../analysis';
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
  return (await resolveBases(dockerfileText, buildArgs, digests)).digests;
}

/**
 * {@link resolveBaseDigests}, with each multi-platform base's platform
 * digests as tracking last saw them: what tells whether one platform's base
 * changed.
 */
export async function resolveBases(
  dockerfileText: string,
  buildArgs: Record<string, string> | undefined,
  digests: Pick<DigestStore, 'getCurrent'> | undefined,
): Promise<{
  digests: Record<string, string>;
  platformDigests: Record<string, Record<string, string>>;
}> {
  const analysis = analyzeDockerfile(dockerfileText, { buildArgs });
  const resolved: Record<string, string> = {};
  const platformDigests: Record<string, Record<string, string>> = {};
  for (const base of analysis.bases) {
    if (base.digest) {
      resolved[base.reference] = base.digest;
      continue;
    }
    const key = digests && trackingKey(base.reference);
    const current = key ? await digests.getCurrent(key) : undefined;
    if (!current) continue;
    resolved[base.reference] = current.digest.digest;
    // A stage with its own FROM --platform (a cross-compiling stage on
    // $BUILDPLATFORM) builds every platform from one platform's image: no
    // platform digests, so a new image of the base rebuilds every platform.
    if (current.platforms.length > 0 && !usedWithFixedPlatform(base)) {
      platformDigests[base.reference] = Object.fromEntries(
        current.platforms.map(p => [p.platform, p.digest]),
      );
    }
  }
  return { digests: resolved, platformDigests };
}
