import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './requestSignal';

/** The `imageFactory.registries` config, read once at startup. */
export interface RegistriesConfig {
  /** How long one HTTP request to a registry may take, body included. */
  requestTimeoutMs: number;
}

const KEY = 'imageFactory.registries.requestTimeout';

/** Reads `imageFactory.registries`; a bad value stops startup, naming the key. */
export function readRegistriesConfig(config: Config): RegistriesConfig {
  const registries = config.getOptionalConfig('imageFactory.registries');
  if (!registries?.has('requestTimeout')) {
    return { requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS };
  }
  let requestTimeoutMs: number;
  try {
    requestTimeoutMs = durationToMilliseconds(
      readDurationFromConfig(registries, { key: 'requestTimeout' }),
    );
  } catch (e) {
    throw new InputError(`${KEY}: ${(e as Error).message}`);
  }
  if (!(requestTimeoutMs > 0)) {
    throw new InputError(
      `${KEY}: must be longer than 0, got ${requestTimeoutMs} ms`,
    );
  }
  return { requestTimeoutMs };
}
