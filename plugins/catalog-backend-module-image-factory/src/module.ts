import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  BuildArtifactList,
  DependencyGraphResponse,
  ImagesFileSnapshot,
  LifecycleOverview,
  RefineryWheelSummary,
} from '@image-factory/plugin-image-factory-common';
import {
  BUILD_FINISHED_TOPIC,
  IMAGES_FILE_CHANGED_TOPIC,
  GRAPH_CHANGED_TOPIC,
  REFINERY_CHANGED_TOPIC,
  STAGE_CHANGED_TOPIC,
} from '@image-factory/plugin-image-factory-node';
import { ImageFactoryEntitiesProcessor } from './processor/ImageFactoryEntitiesProcessor';
import { ImageFactoryBuildsEntityProvider } from './provider/ImageFactoryBuildsEntityProvider';
import { ImageFactoryWheelsEntityProvider } from './provider/ImageFactoryWheelsEntityProvider';
import { ImageFactoryEntityProvider } from './provider/ImageFactoryEntityProvider';
import { backendReader } from './provider/readBackend';
import { warnUnusedConfig } from './warnUnusedConfig';

/**
 * Catalog module of the Image Factory: validates its four kinds and provides
 * the Image and Provider entities the image-factory backend serves (its read
 * of `images.yaml` and its providers), ImageBuild entities of its builds and
 * Wheel entities of its wheel refinery.
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
        instanceMetadata: coreServices.rootInstanceMetadata,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        logger,
        scheduler,
        instanceMetadata,
        discovery,
        auth,
        events,
      }) {
        catalog.addProcessor(new ImageFactoryEntitiesProcessor());
        await warnUnusedConfig({ config, logger, instanceMetadata });
        const readBackend = backendReader({ auth, discovery });
        // Data flows one way: the backend reads images.yaml and analyzes, the
        // catalog shows what it read.
        const provider = ImageFactoryEntityProvider.fromConfig(config, {
          logger,
          scheduler,
          imagesFile: () =>
            readBackend('images-file') as Promise<ImagesFileSnapshot>,
          graph: () => readBackend('graph') as Promise<DependencyGraphResponse>,
          lifecycle: () =>
            readBackend('lifecycle') as Promise<LifecycleOverview>,
        });
        catalog.addEntityProvider(provider);
        const builds = ImageFactoryBuildsEntityProvider.fromConfig(config, {
          logger,
          scheduler,
          artifacts: () =>
            readBackend('artifacts') as Promise<BuildArtifactList>,
        });
        catalog.addEntityProvider(builds);
        const wheels = ImageFactoryWheelsEntityProvider.fromConfig(config, {
          logger,
          scheduler,
          wheels: () =>
            readBackend('refinery/wheels') as Promise<{
              items: RefineryWheelSummary[];
            }>,
        });
        catalog.addEntityProvider(wheels);
        // A refinery run's wheels show in the catalog as they are built.
        await events.subscribe({
          id: 'catalog-image-factory-wheels',
          topics: [REFINERY_CHANGED_TOPIC],
          onEvent: async () => {
            try {
              await wheels.refresh();
            } catch (error) {
              logger.error(
                'Image Factory Wheel refresh failed',
                error as Error,
              );
            }
          },
        });
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
        // New content of images.yaml (a read of the backend, a merged
        // enrollment), the bases read from its Dockerfiles and a moved stage
        // show in the catalog at once, not at the next run.
        await events.subscribe({
          id: 'catalog-image-factory',
          topics: [
            IMAGES_FILE_CHANGED_TOPIC,
            GRAPH_CHANGED_TOPIC,
            STAGE_CHANGED_TOPIC,
          ],
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
