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
import { RefineryWheelSummary } from '@image-factory/plugin-image-factory-common';
import { readImagesSourceConfig } from '@image-factory/plugin-image-factory-node';
import { taskRunnerFor } from './taskRunnerFor';
import { wheelToEntity } from './wheelEntities';

const PROVIDER_NAME = 'image-factory-wheels';
const TASK_ID = `${PROVIDER_NAME}:refresh`;
const LOCATION_KEY = `${PROVIDER_NAME}:backend`;

/**
 * Provides a `Wheel` entity for each project the wheel refinery built or
 * tried to build, read from the backend's
 * `GET /api/image-factory/refinery/wheels`. Each refresh is a full mutation.
 * When the backend cannot be read (or runs no refinery), the catalog keeps
 * what it has and the failure is logged once.
 *
 * @public
 */
export class ImageFactoryWheelsEntityProvider implements EntityProvider {
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
      /** Reads `GET /api/image-factory/refinery/wheels` of the backend. */
      wheels: () => Promise<{ items: RefineryWheelSummary[] }>;
    },
  ): ImageFactoryWheelsEntityProvider {
    const source = readImagesSourceConfig(config);
    return new ImageFactoryWheelsEntityProvider({
      providerOwner: source.providerOwner,
      logger: deps.logger,
      taskRunner: taskRunnerFor(
        'ImageFactoryWheelsEntityProvider',
        source.schedule,
        deps,
      ),
      wheels: deps.wheels,
    });
  }

  private constructor(
    private readonly options: {
      providerOwner: string;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
      wheels: () => Promise<{ items: RefineryWheelSummary[] }>;
    },
  ) {}

  /** Returns `image-factory-wheels`. */
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
   * Reads the refinery's projects and applies a full mutation. A failed read
   * is logged (once until it works again) and changes nothing.
   */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('ImageFactoryWheelsEntityProvider is not connected yet');
    }
    const { logger } = this.options;
    let list: { items: RefineryWheelSummary[] };
    try {
      list = await this.options.wheels();
    } catch (error) {
      assertError(error);
      if (!this.failing) {
        logger.warn(
          'Image Factory refinery unavailable; Wheel entities stay as they are',
          { error: error.message },
        );
      }
      this.failing = true;
      return;
    }
    if (this.failing) logger.info('Image Factory refinery is readable again');
    this.failing = false;
    const entities = list.items.map(w =>
      wheelToEntity(w, this.options.providerOwner),
    );
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey: LOCATION_KEY })),
    });
    logger.debug('Image Factory Wheel entities refreshed', {
      wheels: entities.length,
    });
  }
}
