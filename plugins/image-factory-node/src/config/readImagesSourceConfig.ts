import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { assertError, InputError } from '@backstage/errors';
import { parseOwnerRef } from './parseOwnerRef';

/**
 * Where `images.yaml` is read from, and how often.
 *
 * @public
 */
export interface ImagesSourceConfig {
  /** A path (relative to the backend's working directory) or a URL the UrlReader can read. */
  location: string;
  /** How often the file is read (`imageFactory.images.schedule`). */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Entity reference of the owner given to Provider entities, in full (`group:default/x`). */
  providerOwner: string;
}

/**
 * Default of `imageFactory.images.location`: `images.yaml` in the backend's working directory.
 *
 * @public
 */
export const DEFAULT_IMAGES_LOCATION = 'images.yaml';
/**
 * Default of `imageFactory.images.schedule`: every minute, with a one-minute timeout.
 *
 * @public
 */
export const DEFAULT_IMAGES_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 1 },
};
/**
 * Default of `imageFactory.providerOwner`, the owner of the Provider entities.
 *
 * @public
 */
export const DEFAULT_PROVIDER_OWNER = 'group:default/platform-team';

function readSchedule(
  images: Config | undefined,
): SchedulerServiceTaskScheduleDefinition {
  if (!images?.has('schedule')) {
    return DEFAULT_IMAGES_SCHEDULE;
  }
  try {
    return readSchedulerServiceTaskScheduleDefinitionFromConfig(
      images.getConfig('schedule'),
    );
  } catch (e) {
    assertError(e);
    // The scheduler's reader names only the inner key ('frequency', 'scope').
    throw new InputError(
      'imageFactory.images.schedule: is not a valid schedule',
      e,
    );
  }
}

function readProviderOwner(config: Config): string {
  const owner = config.getOptionalString('imageFactory.providerOwner');
  if (owner === undefined) {
    return DEFAULT_PROVIDER_OWNER;
  }
  const ref = parseOwnerRef(owner);
  if (!ref) {
    throw new InputError(
      `imageFactory.providerOwner: must be an entity reference such as 'group:default/platform-team', got '${owner}'`,
    );
  }
  return ref;
}

/**
 * Reads `imageFactory.images` and `imageFactory.providerOwner`. Throws an
 * `InputError` naming the key when a value is wrong.
 *
 * @public
 */
export function readImagesSourceConfig(config: Config): ImagesSourceConfig {
  const images = config.getOptionalConfig('imageFactory.images');
  return {
    location: images?.getOptionalString('location') ?? DEFAULT_IMAGES_LOCATION,
    schedule: readSchedule(images),
    providerOwner: readProviderOwner(config),
  };
}
