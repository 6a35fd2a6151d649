import {
  LoggerService,
  SchedulerServiceTaskRunner,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { formatImagesFileIssue } from '@image-factory/plugin-image-factory-common';
import {
  ProviderConfig,
  providerToEntity,
  readImageEntities,
  readImagesSourceConfig,
  readProvidersConfig,
} from '@image-factory/plugin-image-factory-node';

const PROVIDER_NAME = 'image-factory';

/**
 * Provides an Image entity for every valid entry of `images.yaml`, and a
 * Provider entity for every configured executor, registry and source host.
 * Invalid entries are logged with their entry and field and left out; when the
 * file cannot be read at all, the last good entries stay in the catalog.
 *
 * @public
 */
export class ImageFactoryEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private lastGoodImages: Entity[] = [];

  static fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      scheduler?: SchedulerService;
      schedule?: SchedulerServiceTaskRunner;
      urlReader: UrlReaderService;
    },
  ): ImageFactoryEntityProvider {
    const source = readImagesSourceConfig(config);
    const providers = readProvidersConfig(config);
    const taskRunner =
      deps.schedule ?? deps.scheduler?.createScheduledTaskRunner(source.schedule);
    if (!taskRunner) {
      throw new Error('ImageFactoryEntityProvider needs either a scheduler or a schedule');
    }
    return new ImageFactoryEntityProvider({
      location: source.location,
      providerOwner: source.providerOwner,
      providers,
      logger: deps.logger,
      urlReader: deps.urlReader,
      taskRunner,
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
    },
  ) {}

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: `${PROVIDER_NAME}:refresh`,
      fn: async () => {
        const logger = this.options.logger.child({
          class: ImageFactoryEntityProvider.name,
          taskId: `${PROVIDER_NAME}:refresh`,
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

  /** Reads `images.yaml` once and applies a full mutation. */
  async refresh(logger: LoggerService = this.options.logger): Promise<void> {
    if (!this.connection) {
      throw new Error('ImageFactoryEntityProvider is not connected yet');
    }
    const result = await readImageEntities({
      location: this.options.location,
      urlReader: this.options.urlReader,
      providers: this.options.providers,
    });
    for (const issue of result.issues) {
      logger.warn(`Invalid images.yaml entry: ${formatImagesFileIssue(issue)}`, {
        location: result.location,
        entry: issue.entry,
        field: issue.path,
        line: issue.line,
      });
    }
    if (result.error) {
      logger.error('Could not read images.yaml; keeping the previous images', {
        location: result.location,
        error: result.error,
      });
    } else {
      this.lastGoodImages = result.entities;
    }
    const providerEntities = this.options.providers.map(p =>
      providerToEntity(p, this.options.providerOwner),
    );
    const entities = [...this.lastGoodImages, ...providerEntities];
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: `${PROVIDER_NAME}:${result.location}`,
      })),
    });
    logger.debug('Image Factory entities refreshed', {
      location: result.location,
      images: this.lastGoodImages.length,
      providers: providerEntities.length,
      issues: result.issues.length,
    });
  }
}
