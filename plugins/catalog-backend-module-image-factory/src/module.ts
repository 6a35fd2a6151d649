import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
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
      },
      async init({ catalog, config, logger, scheduler, urlReader }) {
        catalog.addProcessor(new ImageFactoryEntitiesProcessor());
        catalog.addEntityProvider(
          ImageFactoryEntityProvider.fromConfig(config, {
            logger,
            scheduler,
            urlReader,
          }),
        );
      },
    });
  },
});
