import { Config } from '@backstage/config';
import { parseShortDuration } from '@image-factory/plugin-image-factory-common';

/** `imageFactory.lifecycle`, with defaults. */
export interface LifecycleConfig {
  /** How long a replaced base may stay in a stage before it is flagged stale. */
  staleAfter: string;
  staleAfterMs: number;
  /** How often soaked versions are looked for (auto stages with a soak). */
  reconcileIntervalMs: number;
  /** How often open update pull requests are read (merged, closed). */
  followIntervalMs: number;
}

/** Reads `imageFactory.lifecycle`; a bad duration stops startup naming the key. */
export function readLifecycleConfig(config: Config): LifecycleConfig {
  const read = (key: string, fallback: string) => {
    const value =
      config.getOptionalString(`imageFactory.lifecycle.${key}`) ?? fallback;
    const ms = parseShortDuration(value);
    if (ms === undefined) {
      throw new Error(
        `imageFactory.lifecycle.${key}: '${value}' is not a duration such as '30m', '6h' or '7d'`,
      );
    }
    return { value, ms };
  };
  const staleAfter = read('staleAfter', '7d');
  return {
    staleAfter: staleAfter.value,
    staleAfterMs: staleAfter.ms,
    reconcileIntervalMs: read('reconcileInterval', '1m').ms,
    followIntervalMs: read('updateRequestsInterval', '5m').ms,
  };
}
