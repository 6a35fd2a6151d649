import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { assertError } from '@backstage/errors';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { BuildArtifactList } from '@image-factory/plugin-image-factory-common';
import { readImagesSourceConfig } from '@image-factory/plugin-image-factory-node';
import { artifactToEntity } from './buildEntities';
import { taskRunnerFor } from './taskRunnerFor';

const PROVIDER_NAME = 'image-factory-builds';
const TASK_ID = `${PROVIDER_NAME}:refresh`;
const LOCATION_KEY = `${PROVIDER_NAME}:backend`;

/**
 * Provides an `ImageBuild` entity for each of the last succeeded runs of every
 * image (`imageFactory.builds.catalogEntitiesPerImage`), read from the backend's
 * `GET /api/image-factory/artifacts`. Each refresh is a full mutation, so runs
 * that fall out of the last N leave the catalog, and so do the builds of an
 * un-enrolled image: they follow it into the factory's archive. When the backend cannot be
 * read, the catalog keeps what it has and the failure is logged once.
 *
 * @public
 */
export class ImageFactoryBuildsEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private failing = false;

  /**
   * Creates the provider; it refreshes on `deps.schedule` if given, else on
   * `imageFactory.images.schedule` through `deps.scheduler`.
   */
  static fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      scheduler?: SchedulerService;
      schedule?: SchedulerServiceTaskRunner;
      /** Reads `GET /api/image-factory/artifacts` of the backend. */
      artifacts: () => Promise<BuildArtifactList>;
    },
  ): ImageFactoryBuildsEntityProvider {
    const source = readImagesSourceConfig(config);
    const taskRunner = taskRunnerFor(
      'ImageFactoryBuildsEntityProvider',
      source.schedule,
      deps,
    );
    return new ImageFactoryBuildsEntityProvider({
      providerOwner: source.providerOwner,
      logger: deps.logger,
      taskRunner,
      artifacts: deps.artifacts,
    });
  }

  private constructor(
    private readonly options: {
      providerOwner: string;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
      artifacts: () => Promise<BuildArtifactList>;
    },
  ) {}

  /** Returns `image-factory-builds`. */
  getProviderName(): string {
    return PROVIDER_NAME;
  }

  /** Keeps the connection and schedules the refresh task. */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: TASK_ID,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /**
   * Reads the artifacts and applies a full mutation. A failed read is logged
   * (once until it works again) and changes nothing; it does not throw.
   */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('ImageFactoryBuildsEntityProvider is not connected yet');
    }
    const { logger } = this.options;
    let list: BuildArtifactList;
    try {
      list = await this.options.artifacts();
    } catch (error) {
      assertError(error);
      if (!this.failing) {
        logger.warn(
          'Image Factory builds unavailable; ImageBuild entities stay as they are',
          { error: error.message },
        );
      }
      this.failing = true;
      return;
    }
    if (this.failing) logger.info('Image Factory builds are readable again');
    this.failing = false;
    // An un-enrolled image's builds go to the archive with it (the factory
    // page lists them); as entities they would be orphans with a new owner.
    const entities = list.items
      .filter(a => !a.archived)
      .map(a => artifactToEntity(a, this.options.providerOwner));
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: LOCATION_KEY,
      })),
    });
    logger.debug('Image Factory ImageBuild entities refreshed', {
      builds: entities.length,
    });
  }
}
