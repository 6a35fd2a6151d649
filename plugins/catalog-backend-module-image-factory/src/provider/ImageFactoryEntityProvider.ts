import {
  LoggerService,
  SchedulerServiceTaskRunner,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { DependencyGraphResponse } from '@image-factory/plugin-image-factory-common';
import { withGraph } from './graphEntities';
import {
  ImagesFileProblemLogger,
  ProviderConfig,
  providerToEntity,
  readImageEntities,
  readImagesSourceConfig,
  readProvidersConfig,
  resolveImagesLocation,
} from '@image-factory/plugin-image-factory-node';
import { readSourceLinks, SourceLinks, withSourceLinks } from './sourceLinks';
import { taskRunnerFor } from './taskRunnerFor';

const PROVIDER_NAME = 'image-factory';
const TASK_ID = `${PROVIDER_NAME}:refresh`;

/**
 * Provides an Image entity for every valid entry of `images.yaml`, and a
 * Provider entity for every configured executor, registry and source host.
 * Invalid entries are logged with their entry and field and left out; when the
 * file cannot be read at all, the last good entries stay in the catalog (and,
 * before the first good read, the images already in the catalog are left alone).
 *
 * @public
 */
export class ImageFactoryEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** The images of the last good read; undefined until one succeeded. */
  private lastGoodImages?: Entity[];
  private readonly problems: ImagesFileProblemLogger;
  /**
   * One key for every entity, whatever the outcome of a read: the catalog refuses
   * to let an entity move to another key, which would drop the kept images.
   */
  private readonly locationKey: string;

  /**
   * Creates the provider from the `imageFactory` config (images source and
   * providers). The refresh runs on `deps.schedule` if given, else on a task
   * runner made from `deps.scheduler` and `imageFactory.images.schedule`; throws
   * when neither is given, and an `InputError` naming the key for bad config.
   */
  static fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      scheduler?: SchedulerService;
      schedule?: SchedulerServiceTaskRunner;
      urlReader: UrlReaderService;
      /** Reads the backend's dependency graph (`GET /api/image-factory/graph`). */
      graph?: () => Promise<DependencyGraphResponse>;
    },
  ): ImageFactoryEntityProvider {
    const source = readImagesSourceConfig(config);
    const providers = readProvidersConfig(config);
    const taskRunner = taskRunnerFor(
      'ImageFactoryEntityProvider',
      source.schedule,
      deps,
    );
    return new ImageFactoryEntityProvider({
      location: source.location,
      providerOwner: source.providerOwner,
      providers,
      logger: deps.logger,
      urlReader: deps.urlReader,
      taskRunner,
      graph: deps.graph,
      links: readSourceLinks(config, providers),
    });
  }

  private constructor(
    private readonly options: {
      location: string;
      providerOwner: string;
      providers: ProviderConfig[];
      logger: LoggerService;
      urlReader: UrlReaderService;
      taskRunner: SchedulerServiceTaskRunner;
      graph?: () => Promise<DependencyGraphResponse>;
      links: SourceLinks;
    },
  ) {
    this.locationKey = `${PROVIDER_NAME}:${resolveImagesLocation(
      options.location,
    )}`;
    this.problems = new ImagesFileProblemLogger(options.logger);
  }

  /** Whether the last graph read failed, so that a backend down is logged once. */
  private graphFailing = false;

  /**
   * Adds dependsOn and the discovered bases from the backend's graph; without
   * the backend, the images go out without them.
   */
  private async imagesWithGraph(
    images: Entity[],
    logger: LoggerService,
  ): Promise<Entity[]> {
    if (!this.options.graph) return images;
    try {
      const graph = await this.options.graph();
      if (this.graphFailing) {
        logger.info('Image Factory dependency graph is readable again');
      }
      this.graphFailing = false;
      return withGraph(images, graph, this.options.providerOwner);
    } catch (error) {
      assertError(error);
      if (!this.graphFailing) {
        logger.warn(
          'Image Factory dependency graph unavailable; images go without dependsOn',
          { error: error.message },
        );
      }
      this.graphFailing = true;
      return images;
    }
  }

  /** Returns `image-factory`. */
  getProviderName(): string {
    return PROVIDER_NAME;
  }

  /**
   * Keeps the connection and schedules the refresh task. A failed refresh is
   * logged, not thrown, and the next scheduled run tries again.
   */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: TASK_ID,
      fn: async () => {
        const logger = this.options.logger.child({
          class: ImageFactoryEntityProvider.name,
          taskId: TASK_ID,
        });
        try {
          await this.refresh(logger);
        } catch (error) {
          assertError(error);
          logger.error('Image Factory catalog refresh failed', error);
        }
      },
    });
  }

  /** Reads `images.yaml` once and applies a mutation. */
  async refresh(logger: LoggerService = this.options.logger): Promise<void> {
    if (!this.connection) {
      throw new Error('ImageFactoryEntityProvider is not connected yet');
    }
    const result = await readImageEntities({
      location: this.options.location,
      urlReader: this.options.urlReader,
      providers: this.options.providers,
    });
    this.problems.report(result, logger);
    if (!result.error) {
      this.lastGoodImages = result.entities;
    }

    const providerEntities = this.options.providers.map(p =>
      providerToEntity(p, this.options.providerOwner),
    );
    const deferred = (entities: Entity[]): DeferredEntity[] =>
      entities.map(entity => ({ entity, locationKey: this.locationKey }));
    if (this.lastGoodImages) {
      const images = (
        await this.imagesWithGraph(this.lastGoodImages, logger)
      ).map(e => withSourceLinks(e, this.options.links, this.options.location));
      await this.connection.applyMutation({
        type: 'full',
        entities: deferred([...images, ...providerEntities]),
      });
    } else {
      // No good read since startup: a full mutation would remove the images the
      // catalog still has from before, so only the Provider entities are added.
      await this.connection.applyMutation({
        type: 'delta',
        added: deferred(providerEntities),
        removed: [],
      });
    }
    logger.debug('Image Factory entities refreshed', {
      location: result.location,
      images: this.lastGoodImages?.length ?? 0,
      providers: providerEntities.length,
      issues: result.issues.length,
    });
  }
}
