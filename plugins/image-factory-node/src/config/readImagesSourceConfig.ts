import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/**
 * Where `images.yaml` is read from, and how often.
 *
 * @public
 */
export interface ImagesSourceConfig {
  /** A path (relative to the backend's working directory) or a URL the UrlReader can read. */
  location: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Entity reference of the owner given to Provider entities. */
  providerOwner: string;
}

/** @public */
export const DEFAULT_IMAGES_LOCATION = 'images.yaml';
/** @public */
export const DEFAULT_IMAGES_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 1 },
};
/** @public */
export const DEFAULT_PROVIDER_OWNER = 'group:default/platform-team';

/**
 * Reads `imageFactory.images` and `imageFactory.providerOwner`.
 *
 * @public
 */
export function readImagesSourceConfig(config: Config): ImagesSourceConfig {
  const images = config.getOptionalConfig('imageFactory.images');
  return {
    location: images?.getOptionalString('location') ?? DEFAULT_IMAGES_LOCATION,
    schedule: images?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(images.getConfig('schedule'))
      : DEFAULT_IMAGES_SCHEDULE,
    providerOwner:
      config.getOptionalString('imageFactory.providerOwner') ?? DEFAULT_PROVIDER_OWNER,
  };
}
