import { BuildInputs } from '@image-factory/plugin-image-factory-common';

/**
 * The first base whose image for `platform` differs between two runs' inputs;
 * undefined when none does. A base whose index changed counts as changed for
 * the platform unless both runs know its platform digests and they agree.
 */
export function baseChangedFor(
  platform: string,
  before: BuildInputs,
  now: BuildInputs,
): string | undefined {
  for (const [reference, digest] of Object.entries(now.baseDigests ?? {})) {
    if (before.baseDigests?.[reference] === digest) continue;
    const was = before.basePlatformDigests?.[reference]?.[platform];
    const is = now.basePlatformDigests?.[reference]?.[platform];
    if (!was || !is || was !== is) return reference;
  }
  return undefined;
}
