import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';

/** The `imageFactory.versions` config, read once at startup. */
export interface VersionsConfig {
  tagsCacheTimeMs: number;
  maxCachedDetails: number;
  maxTags: number;
  /** The web page of a repository or tag, per registry host (`{repository}`, `{namespace}`, `{name}`, `{tag}`). */
  webUrls: Map<string, string>;
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

const PLACEHOLDER = /\{([a-z]+)\}/g;
const PLACEHOLDERS = new Set(['repository', 'namespace', 'name', 'tag']);

function readWebUrls(config: Config | undefined): Map<string, string> {
  const webUrls = new Map<string, string>();
  const entries = config?.getOptionalConfigArray('webUrls') ?? [];
  entries.forEach((entry, i) => {
    const key = `${PREFIX}.webUrls[${i}]`;
    const host = entry.getString('host');
    const template = entry.getString('url');
    if (!/^https?:\/\/[^/]/.test(template)) {
      throw new InputError(
        `${key}.url: must be an http(s) URL template, got '${template}'`,
      );
    }
    for (const [, name] of template.matchAll(PLACEHOLDER)) {
      if (!PLACEHOLDERS.has(name)) {
        throw new InputError(
          `${key}.url: unknown placeholder {${name}}; use {repository}, {namespace}, {name} or {tag}`,
        );
      }
    }
    webUrls.set(host, template);
  });
  return webUrls;
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
    webUrls: readWebUrls(versions),
  };
}
