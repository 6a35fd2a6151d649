import { assertError } from '@backstage/errors';
import {
  ProviderHealth,
  ProviderStatus,
} from '@image-factory/plugin-image-factory-common';
import { ProviderConfig } from '@image-factory/plugin-image-factory-node';
import { ProviderHealthChecker } from '../providers';

/** How long `/status` waits for a health check that is not cached yet. */
export const STATUS_HEALTH_WAIT_MS = 3_000;

/**
 * The providers' health, or undefined when the check takes longer than
 * `waitMs` (the status page then shows the providers without it; the check
 * goes on and fills the cache) or fails.
 */
export async function healthWithin(
  checker: ProviderHealthChecker | undefined,
  waitMs: number,
): Promise<ProviderHealth[] | undefined> {
  if (!checker) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      checker.check(),
      new Promise<undefined>(resolve => {
        timer = setTimeout(() => resolve(undefined), waitMs);
      }),
    ]);
  } catch (e) {
    assertError(e);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `health` and, for a checked executor, `capabilities` of one provider (its
 * platforms and its builder).
 */
export function healthFields(
  health: ProviderHealth[] | undefined,
  provider: ProviderConfig,
): Pick<ProviderStatus, 'health' | 'capabilities'> {
  const found = health?.find(
    h => h.id === provider.id && h.type === provider.kind,
  );
  if (!found) return {};
  if (found.type !== 'executor' || !found.nativePlatform) {
    return { health: found };
  }
  const emulated = found.emulatedPlatforms ?? [];
  return {
    health: found,
    capabilities: {
      platforms: [found.nativePlatform, ...emulated],
      emulated,
      ...(found.builder && { builder: found.builder }),
    },
  };
}
