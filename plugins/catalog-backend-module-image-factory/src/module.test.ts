import { promises as fs } from 'fs';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { IMAGES_FILE_CHANGED_TOPIC } from '@image-factory/plugin-image-factory-node';
import {
  CatalogProcessor,
  catalogProcessingExtensionPoint,
  EntityProvider,
} from '@backstage/plugin-catalog-node';
import defaultFeature from './index';
import { catalogModuleImageFactory } from './module';
import { ImageFactoryEntitiesProcessor } from './processor/ImageFactoryEntitiesProcessor';
import { ImageFactoryEntityProvider } from './provider/ImageFactoryEntityProvider';
import { RecordingLogger } from './__testUtils__/RecordingLogger';
import {
  entry,
  startFactoryAndCatalog,
} from './__testUtils__/startFactoryAndCatalog';

function recorder() {
  const processors: CatalogProcessor[] = [];
  const providers: EntityProvider[] = [];
  return {
    processors,
    providers,
    extensionPoint: {
      addProcessor: (
        ...added: Array<CatalogProcessor | CatalogProcessor[]>
      ) => {
        processors.push(...added.flat());
      },
      addEntityProvider: (
        ...added: Array<EntityProvider | EntityProvider[]>
      ) => {
        providers.push(...added.flat());
      },
    },
  };
}

describe('catalogModuleImageFactory', () => {
  it('adds the kinds processor and the entity providers (images, builds, wheels) to the catalog', async () => {
    const catalog = recorder();

    const backend = await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, catalog.extensionPoint],
      ],
      features: [
        catalogModuleImageFactory,
        mockServices.rootConfig.factory({
          data: {
            imageFactory: {
              images: { location: 'images.yaml' },
              providers: { registries: { local: { host: 'localhost:5000' } } },
            },
          },
        }),
      ],
    });

    expect(catalog.processors).toEqual([new ImageFactoryEntitiesProcessor()]);
    expect(catalog.providers).toHaveLength(3);
    expect(catalog.providers[1].getProviderName()).toBe('image-factory-builds');
    expect(catalog.providers[2].getProviderName()).toBe('image-factory-wheels');
    expect(catalog.providers[0]).toBeInstanceOf(ImageFactoryEntityProvider);
    expect(catalog.providers[0].getProviderName()).toBe('image-factory');
    await backend.stop();
  });

  it('gets the catalog the new images at once when the backend announces a merged change', async () => {
    const started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('first')}`,
    });
    await started.readImagesFile();
    // The catalog misses the backend's own announcement of the next read.
    await fs.writeFile(
      started.file,
      `images:\n${entry('first')}${entry('second')}`,
    );
    started.backendDown(true);
    await started.readImagesFile();
    started.backendDown(false);
    const before = started.connection.mutations.length;

    await started.events.publish({
      topic: IMAGES_FILE_CHANGED_TOPIC,
      eventPayload: { reason: 'pull-request-merged' },
    });
    // Only what changed is sent: the new image.
    expect(started.connection.mutations).toHaveLength(before + 1);
    expect(
      started.connection.catalog
        .filter(e => e.entity.kind === 'Image')
        .map(e => e.entity.metadata.name),
    ).toEqual(['first', 'second']);
    await started.stop();
  });

  it('warns at startup about each key it no longer reads, in a backend without the image-factory plugin', async () => {
    const logger = new RecordingLogger();
    const backend = await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, recorder().extensionPoint],
      ],
      features: [
        catalogModuleImageFactory,
        createServiceFactory({
          service: coreServices.logger,
          deps: {},
          factory: () => logger,
        }),
        mockServices.rootConfig.factory({
          data: {
            imageFactory: {
              images: { location: 'images.yaml' },
              providers: { registries: { local: { host: 'localhost:5000' } } },
            },
          },
        }),
      ],
    });
    expect(
      logger
        .at('warn')
        .filter(r => r.message.startsWith('Deprecated config key'))
        .map(r => r.meta.key),
    ).toEqual(['imageFactory.images.location', 'imageFactory.providers']);
    await backend.stop();
  });

  it('does not warn about those keys beside the image-factory plugin, which reads them', async () => {
    const started = await startFactoryAndCatalog({
      imagesYaml: 'images: []\n',
    });
    expect(
      started.logger
        .at('warn')
        .filter(r => r.message.startsWith('Deprecated config key')),
    ).toEqual([]);
    await started.stop();
  });

  it('is the default export of the package, for backend.add(import(...))', () => {
    expect(defaultFeature).toBe(catalogModuleImageFactory);
  });

  it('fails startup on bad config, naming the key', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [
          [catalogProcessingExtensionPoint, recorder().extensionPoint],
        ],
        features: [
          catalogModuleImageFactory,
          mockServices.rootConfig.factory({
            data: {
              imageFactory: { images: { schedule: { frequency: 'often' } } },
            },
          }),
        ],
      }),
    ).rejects.toThrow('imageFactory.images.schedule: is not a valid schedule');
  });
});
