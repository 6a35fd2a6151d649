import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
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
    expect(catalog.providers).toHaveLength(2);
    expect(catalog.providers[1].getProviderName()).toBe('image-factory-builds');
    expect(catalog.providers[0]).toBeInstanceOf(ImageFactoryEntityProvider);
    expect(catalog.providers[0].getProviderName()).toBe('image-factory');
    await backend.stop();
  });

  it('reads images.yaml again at once when the backend announces a merged change', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'catalog-module-'));
    const location = path.join(dir, 'images.yaml');
    const entry = (name: string) =>
      `  - name: ${name}\n    type: external\n    owner: platform-team\n    reference: docker.io/library/${name}:1\n`;
    await fs.writeFile(location, `images:\n${entry('first')}`);
    const events = mockServices.events();
    const catalog = recorder();
    const backend = await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, catalog.extensionPoint],
      ],
      features: [
        catalogModuleImageFactory,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        mockServices.rootConfig.factory({
          data: { imageFactory: { images: { location } } },
        }),
      ],
    });
    const names: string[][] = [];
    await catalog.providers[0].connect({
      applyMutation: async mutation => {
        if (mutation.type === 'full') {
          names.push(
            mutation.entities
              .filter(e => e.entity.kind === 'Image')
              .map(e => e.entity.metadata.name),
          );
        }
      },
      refresh: async () => {},
    });
    const before = names.length;

    await fs.writeFile(
      location,
      `images:\n${entry('first')}${entry('second')}`,
    );
    await events.publish({
      topic: IMAGES_FILE_CHANGED_TOPIC,
      eventPayload: { reason: 'pull-request-merged' },
    });
    expect(names).toHaveLength(before + 1);
    expect(names[names.length - 1]).toEqual(['first', 'second']);
    await backend.stop();
    await fs.rm(dir, { recursive: true, force: true });
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
