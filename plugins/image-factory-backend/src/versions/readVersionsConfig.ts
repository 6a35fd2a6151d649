import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';

/** The `imageFactory.versions` config, read once at startup. */
export interface VersionsConfig {
  tagsCacheTimeMs: number;
  maxCachedDetails: number;
  maxTags: number;
}

const PREFIX = 'imageFactory.versions';

function positiveInteger(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  if (!config?.has(key)) return fallback;
  let value: number;
  try {
    value = config.getNumber(key);
  } catch (e) {
    throw new InputError(`${PREFIX}.${key}: ${(e as Error).message}`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(
      `${PREFIX}.${key}: must be a whole number of at least 1, got ${value}`,
    );
  }
  return value;
}

/** Reads `imageFactory.versions`; a bad value stops startup, naming the key. */
export function readVersionsConfig(config: Config): VersionsConfig {
  const versions = config.getOptionalConfig(PREFIX);
  let tagsCacheTimeMs = 5 * 60 * 1000;
  if (versions?.has('tagsCacheTime')) {
    try {
      tagsCacheTimeMs = durationToMilliseconds(
        readDurationFromConfig(versions, { key: 'tagsCacheTime' }),
      );
    } catch (e) {
      throw new InputError(`${PREFIX}.tagsCacheTime: ${(e as Error).message}`);
    }
    if (!(tagsCacheTimeMs >= 0)) {
      throw new InputError(
        `${PREFIX}.tagsCacheTime: must not be negative, got ${tagsCacheTimeMs} ms`,
      );
    }
  }
  return {
    tagsCacheTimeMs,
    maxCachedDetails: positiveInteger(versions, 'maxCachedDetails', 20_000),
    maxTags: positiveInteger(versions, 'maxTags', 10_000),
  };
}
