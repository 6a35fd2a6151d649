import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { AddressInfo } from 'net';
import {
  coreServices,
  createServiceFactory,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import { createHash } from 'crypto';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  DeferredEntity,
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { ImagesFileSnapshot } from '@image-factory/plugin-image-factory-common';
// The tests run the real backend plugin the catalog reads from; only tests import it.
// Not in devDependencies until the lockfile can gain the workspace link (yarn install).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-undeclared-imports
import imageFactoryBackend from '@image-factory/plugin-image-factory-backend';
import { catalogModuleImageFactory } from '../module';
import { RecordingLogger } from './RecordingLogger';

/** Records every mutation a provider applies. */
export class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  failWith?: Error;

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.mutations.push(mutation);
  }

  async refresh(): Promise<void> {}

  /**
   * The entities the catalog holds from the provider after all mutations: a
   * full one replaces them, a delta adds (or replaces) and removes.
   */
  get catalog(): DeferredEntity[] {
    const held = new Map<string, DeferredEntity>();
    for (const mutation of this.mutations) {
      if (mutation.type === 'full') held.clear();
      const added =
        mutation.type === 'full' ? mutation.entities : mutation.added;
      for (const e of added) held.set(stringifyEntityRef(e.entity), e);
      if (mutation.type === 'delta') {
        for (const r of mutation.removed) {
          held.delete(
            'entityRef' in r ? r.entityRef : stringifyEntityRef(r.entity),
          );
        }
      }
    }
    return [...held.values()];
  }

  get last(): EntityProviderMutation {
    const mutation = this.mutations[this.mutations.length - 1];
    if (!mutation) throw new Error('no mutation was applied');
    return mutation;
  }
}

/**
 * A source host serving `dockerfiles` at `<host>/<owner>/<repo>/blob/<branch>/<path>`,
 * with ETags, as the factory reads them; it records what was read.
 */
function sourceHost(dockerfiles: Record<string, string>): UrlReaderService {
  return {
    async readUrl(url, readOptions) {
      const file = /^https?:\/\/[^/]+\/[^/]+\/[^/]+\/blob\/[^/]+\/(.+)$/.exec(
        url,
      )?.[1];
      const text = file === undefined ? undefined : dockerfiles[file];
      if (text === undefined) throw new NotFoundError(`no such file: ${url}`);
      const etag = createHash('sha1').update(text).digest('hex');
      if (readOptions?.etag === etag) throw new NotModifiedError();
      return { buffer: async () => Buffer.from(text), etag };
    },
    async readTree() {
      throw new NotFoundError('readTree is not served here');
    },
    async search() {
      throw new NotFoundError('search is not served here');
    },
  };
}

/** One Image entry of images.yaml, without a source (nothing to fetch). */
export const entry = (name: string) =>
  `  - name: ${name}\n    type: external\n    owner: platform-team\n    reference: docker.io/library/${name}:1\n`;

/**
 * The image-factory backend plugin and the catalog module in one test
 * backend, as in a portal: the module reads the backend over HTTP with the
 * catalog's service token. The scheduler runs tasks only when a test triggers
 * them (`readImagesFile`, `refreshCatalog`); `backendDown` points the
 * catalog's discovery of the backend at a port nobody listens on.
 */
export async function startFactoryAndCatalog(
  options: {
    imagesYaml?: string;
    imageFactory?: Record<string, unknown>;
    /**
     * Dockerfiles the source host serves, by path in the repository (any
     * repository and branch); every other file is not found.
     */
    dockerfiles?: Record<string, string>;
  } = {},
) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'catalog-factory-'));
  const file = path.join(dir, 'images.yaml');
  if (options.imagesYaml !== undefined) {
    await fs.writeFile(file, options.imagesYaml);
  }
  const scheduler = mockServices.scheduler();
  const events = mockServices.events();
  const logger = new RecordingLogger();
  const processors: CatalogProcessor[] = [];
  const providers: EntityProvider[] = [];
  let port = 0;
  let down = false;

  const backend = await startTestBackend({
    extensionPoints: [
      [
        catalogProcessingExtensionPoint,
        {
          addProcessor: (
            ...added: Array<CatalogProcessor | CatalogProcessor[]>
          ) => processors.push(...added.flat()),
          addEntityProvider: (
            ...added: Array<EntityProvider | EntityProvider[]>
          ) => providers.push(...added.flat()),
        },
      ],
    ],
    features: [
      imageFactoryBackend,
      catalogModuleImageFactory,
      // The mock scheduler's own factory (missing from its published type).
      (
        scheduler as unknown as {
          factory(options: {
            skipTaskRunOnStartup: boolean;
          }): ReturnType<typeof mockServices.scheduler.factory>;
        }
      ).factory({ skipTaskRunOnStartup: true }),
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => events,
      }),
      createServiceFactory({
        service: coreServices.logger,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => logger.child({ plugin: plugin.getId() }),
      }),
      createServiceFactory({
        service: coreServices.urlReader,
        deps: {},
        factory: () => sourceHost(options.dockerfiles ?? {}),
      }),
      createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () => {
          const baseUrl = async (pluginId: string) =>
            down && pluginId === 'image-factory'
              ? 'http://127.0.0.1:1/api/image-factory'
              : `http://127.0.0.1:${port}/api/${pluginId}`;
          return { getBaseUrl: baseUrl, getExternalBaseUrl: baseUrl };
        },
      }),
      mockServices.rootConfig.factory({
        data: {
          imageFactory: {
            images: { location: file },
            tracking: { enabled: false },
            builds: { worker: false },
            rebuilds: { enabled: false },
            providers: {
              executors: {
                'no-docker': {
                  host: 'unix:///tmp/catalog-module-test-no-docker.sock',
                },
              },
              registries: { local: { type: 'oci', host: 'localhost:5000' } },
            },
            ...options.imageFactory,
          },
        },
      }),
    ],
  });
  port = (backend.server.address() as AddressInfo).port;

  const provider = providers.find(p => p.getProviderName() === 'image-factory');
  if (!provider) throw new Error('the module added no image-factory provider');
  const connection = new RecordingConnection();
  await provider.connect(connection);

  return {
    file,
    logger,
    /** The events service both plugins share. */
    events,
    connection,
    processors,
    providers,
    /** One scheduled read of images.yaml by the backend. */
    readImagesFile: () => scheduler.triggerTask('image-factory:images-file'),
    /** One scheduled refresh of the catalog provider. */
    refreshCatalog: () => scheduler.triggerTask('image-factory:refresh'),
    /** A GET of the backend's API (`/api/image-factory/<path>`), as it answers. */
    getBackend(apiPath: string, headers: Record<string, string> = {}) {
      return fetch(`http://127.0.0.1:${port}/api/image-factory/${apiPath}`, {
        headers,
      });
    },
    /** What the backend serves, read as any service would. */
    async snapshot(): Promise<ImagesFileSnapshot> {
      const response = await fetch(
        `http://127.0.0.1:${port}/api/image-factory/images-file`,
      );
      if (!response.ok) throw new Error(`images-file: ${response.status}`);
      return response.json();
    },
    backendDown(isDown: boolean) {
      down = isDown;
    },
    async stop() {
      await backend.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
