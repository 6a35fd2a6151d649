import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  CatalogProcessor,
  catalogProcessingExtensionPoint,
  EntityProvider,
} from '@backstage/plugin-catalog-node';
import defaultFeature from './index';
import { catalogModuleImageFactory } from './module';
import { ImageFactoryEntitiesProcessor } from './processor/ImageFactoryEntitiesProcessor';
import { ImageFactoryEntityProvider } from './provider/ImageFactoryEntityProvider';

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
  it('adds the kinds processor and the entity provider to the catalog', async () => {
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
    expect(catalog.providers).toHaveLength(1);
    expect(catalog.providers[0]).toBeInstanceOf(ImageFactoryEntityProvider);
    expect(catalog.providers[0].getProviderName()).toBe('image-factory');
    await backend.stop();
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
              imageFactory: {
                providers: { registries: { local: { type: 'oci' } } },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      'imageFactory.providers.registries.local.host: is required',
    );
  });
});
