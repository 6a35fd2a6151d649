import {
  LoggerService,
  RootConfigService,
  RootInstanceMetadataService,
} from '@backstage/backend-plugin-api';

/**
 * Keys this module read before the backend served `images.yaml` to it. The
 * backend reads them; in a backend without the image-factory plugin nothing
 * does any more.
 */
export const KEYS_NO_LONGER_READ_BY_THE_CATALOG = [
  'imageFactory.images.location',
  'imageFactory.providers',
];

/**
 * Warns at startup about each key of {@link KEYS_NO_LONGER_READ_BY_THE_CATALOG}
 * set in a backend that runs the catalog without the image-factory plugin (a
 * split deployment), where the key now has no effect.
 */
export async function warnUnusedConfig(deps: {
  config: RootConfigService;
  logger: LoggerService;
  instanceMetadata: RootInstanceMetadataService;
}): Promise<void> {
  const plugins = await deps.instanceMetadata.getInstalledPlugins();
  if (plugins.some(p => p.pluginId === 'image-factory')) return;
  for (const key of KEYS_NO_LONGER_READ_BY_THE_CATALOG) {
    if (deps.config.has(key)) {
      deps.logger.warn(
        'Deprecated config key: the Image Factory catalog module no longer reads it; it gets images and providers from the image-factory backend, whose own config sets them',
        { key },
      );
    }
  }
}
