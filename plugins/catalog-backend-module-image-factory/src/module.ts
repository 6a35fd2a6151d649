import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { IMAGES_FILE_CHANGED_TOPIC } from '@image-factory/plugin-image-factory-node';
import { ImageFactoryEntitiesProcessor } from './processor/ImageFactoryEntitiesProcessor';
import { ImageFactoryEntityProvider } from './provider/ImageFactoryEntityProvider';

/**
 * Catalog module of the Image Factory: validates its four kinds and provides
 * Image and Provider entities from `images.yaml` and the `imageFactory` config.
 *
 * @public
 */
export const catalogModuleImageFactory = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'image-factory',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        events: eventsServiceRef,
      },
      async init({ catalog, config, logger, scheduler, urlReader, events }) {
        catalog.addProcessor(new ImageFactoryEntitiesProcessor());
        const provider = ImageFactoryEntityProvider.fromConfig(config, {
          logger,
          scheduler,
          urlReader,
        });
        catalog.addEntityProvider(provider);
        // A merged enrollment shows in the catalog at once, not at the next run.
        await events.subscribe({
          id: 'catalog-image-factory',
          topics: [IMAGES_FILE_CHANGED_TOPIC],
          onEvent: async () => {
            try {
              await provider.refresh();
            } catch (error) {
              logger.error(
                'Image Factory catalog refresh failed',
                error as Error,
              );
            }
          },
        });
      },
    });
  },
});
