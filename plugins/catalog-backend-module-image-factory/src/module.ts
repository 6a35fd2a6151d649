import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { ResponseError } from '@backstage/errors';
import { BuildArtifactList } from '@image-factory/plugin-image-factory-common';
import {
  BUILD_FINISHED_TOPIC,
  IMAGES_FILE_CHANGED_TOPIC,
} from '@image-factory/plugin-image-factory-node';
import { ImageFactoryEntitiesProcessor } from './processor/ImageFactoryEntitiesProcessor';
import { ImageFactoryBuildsEntityProvider } from './provider/ImageFactoryBuildsEntityProvider';
import { ImageFactoryEntityProvider } from './provider/ImageFactoryEntityProvider';
import { readBackend } from './provider/readBackend';

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
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        logger,
        scheduler,
        urlReader,
        discovery,
        auth,
        events,
      }) {
        catalog.addProcessor(new ImageFactoryEntitiesProcessor());
        const provider = ImageFactoryEntityProvider.fromConfig(config, {
          logger,
          scheduler,
          urlReader,
          // Data flows one way: the backend analyzes, the catalog reads its graph.
          graph: async () => {
            const { token } = await auth.getPluginRequestToken({
              onBehalfOf: await auth.getOwnServiceCredentials(),
              targetPluginId: 'image-factory',
            });
            const baseUrl = await discovery.getBaseUrl('image-factory');
            const response = await fetch(`${baseUrl}/graph`, {
              headers: { Authorization: `Bearer ${token}` },
            });
            if (!response.ok) throw await ResponseError.fromResponse(response);
            return response.json();
          },
        });
        catalog.addEntityProvider(provider);
        const builds = ImageFactoryBuildsEntityProvider.fromConfig(config, {
          logger,
          scheduler,
          artifacts: () =>
            readBackend(`artifacts`, {
              auth,
              discovery,
            }) as Promise<BuildArtifactList>,
        });
        catalog.addEntityProvider(builds);
        // A finished build shows in the catalog at once.
        await events.subscribe({
          id: 'catalog-image-factory-builds',
          topics: [BUILD_FINISHED_TOPIC],
          onEvent: async () => {
            try {
              await builds.refresh();
            } catch (error) {
              logger.error(
                'Image Factory ImageBuild refresh failed',
                error as Error,
              );
            }
          },
        });
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
