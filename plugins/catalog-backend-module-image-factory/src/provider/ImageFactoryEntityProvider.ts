import {
  LoggerService,
  SchedulerServiceTaskRunner,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  DependencyGraphResponse,
  ImagesFileSnapshot,
  LifecycleOverview,
} from '@image-factory/plugin-image-factory-common';
import { readImagesSourceConfig } from '@image-factory/plugin-image-factory-node';
import { withGraph } from './graphEntities';
import { withStageAnnotations } from './stageAnnotations';
import { readSourceLinks, withSourceLinks } from './sourceLinks';
import { taskRunnerFor } from './taskRunnerFor';

const PROVIDER_NAME = 'image-factory';
const TASK_ID = `${PROVIDER_NAME}:refresh`;
/**
 * Every this many refreshes, a full mutation puts back what the catalog may
 * have lost in between (an entity deleted by hand); the others send only what
 * changed.
 */
const FULL_MUTATION_EVERY = 30;
/**
 * How long the catalog may wait for the bases of new images (their
 * Dockerfiles being read) before it gets them without `dependsOn`: sent at
 * once, each would be processed twice, without and then with its relations.
 */
const GRAPH_WAIT_MS = 60_000;

/** What the catalog was last sent: each entity's JSON by ref, and their key. */
interface AppliedEntities {
  locationKey: string;
  entities: Map<string, string>;
}

/**
 * Provides the Image entities of the Image Factory backend's last good read of
 * `images.yaml` (`GET /api/image-factory/images-file`), and a Provider entity
 * for every executor, registry and source host the backend has configured. The
 * backend is the only reader of the file, so the catalog and the factory agree
 * on which images exist. When the backend cannot be reached, the catalog keeps
 * what it has; before the backend's first good read, only the Provider
 * entities are added, so the images the catalog still has stay.
 *
 * @public
 */
export class ImageFactoryEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** Whether the last read of the backend failed, so that it is logged once. */
  private backendFailing = false;
  /** Whether the last graph read failed, so that it is logged once. */
  private graphFailing = false;
  /** What the last mutation left in the catalog; unknown before a full one. */
  private applied?: AppliedEntities;
  /** Refreshes since the last full mutation. */
  private sinceFull = 0;
  /** The refresh running now: refreshes run one at a time (see refresh). */
  private running: Promise<void> = Promise.resolve();
  /** The backend's answers the last mutation was made of. */
  private lastInputs?: unknown[];
  /** Since when refreshes wait for the bases of new images (Date.now()), and whether they gave up. */
  private waiting?: { since: number; gaveUp: boolean };

  /**
   * Creates the provider. The refresh runs on `deps.schedule` if given, else
   * on a task runner made from `deps.scheduler` and
   * `imageFactory.images.schedule`; throws when neither is given.
   */
  static fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      scheduler?: SchedulerService;
      schedule?: SchedulerServiceTaskRunner;
      /** Reads the backend's `GET /api/image-factory/images-file`. */
      imagesFile: () => Promise<ImagesFileSnapshot>;
      /** Reads the backend's dependency graph (`GET /api/image-factory/graph`). */
      graph?: () => Promise<DependencyGraphResponse>;
      /** Reads the backend's stage states (`GET /api/image-factory/lifecycle`). */
      lifecycle?: () => Promise<LifecycleOverview>;
    },
  ): ImageFactoryEntityProvider {
    const taskRunner = taskRunnerFor(
      'ImageFactoryEntityProvider',
      readImagesSourceConfig(config).schedule,
      deps,
    );
    return new ImageFactoryEntityProvider({
      config,
      logger: deps.logger,
      taskRunner,
      imagesFile: deps.imagesFile,
      graph: deps.graph,
      lifecycle: deps.lifecycle,
    });
  }

  private constructor(
    private readonly options: {
      /** For the source links: `integrations.github`. */
      config: Config;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
      imagesFile: () => Promise<ImagesFileSnapshot>;
      graph?: () => Promise<DependencyGraphResponse>;
      lifecycle?: () => Promise<LifecycleOverview>;
    },
  ) {}

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

  /**
   * Reads the backend's images file once and applies what changed since the
   * last refresh (a delta; now and then a full mutation); when the backend
   * cannot be read, logs a warning (once until it can again) and changes
   * nothing.
   */
  async refresh(logger: LoggerService = this.options.logger): Promise<void> {
    if (!this.connection) {
      throw new Error('ImageFactoryEntityProvider is not connected yet');
    }
    // An event and the schedule may ask at once; each delta is computed
    // against what the one before it applied, so they must not overlap.
    const run = this.running.then(() => this.refreshOnce(logger));
    this.running = run.catch(() => {});
    return run;
  }

  private async refreshOnce(logger: LoggerService): Promise<void> {
    const snapshot = await this.readSnapshot(logger);
    if (!snapshot) return;

    // One key for every entity, whatever the outcome of a read: the catalog
    // refuses to let an entity move to another key.
    const locationKey = `${PROVIDER_NAME}:${snapshot.location}`;
    const deferred = (entities: Entity[]): DeferredEntity[] =>
      entities.map(entity => ({ entity, locationKey }));
    if (snapshot.images) {
      const links = readSourceLinks(
        this.options.config,
        snapshot.providers.map(p => ({
          kind: p.spec.type,
          implementation: p.spec.implementation,
          endpoint: p.spec.endpoint,
        })),
      );
      // Read first: answers the backend did not change (304) are the same
      // objects as last time, and then there is nothing to do.
      const graph = await this.readGraph(logger);
      const lifecycle = await this.readLifecycle(logger);
      const inputs = [snapshot, graph, lifecycle];
      if (this.unchanged(inputs)) {
        this.sinceFull += 1;
        return;
      }
      const basesUnknown = graph?.nodes.filter(n => n.basesUnknown).length;
      if (this.waitForBases(basesUnknown ?? 0, logger)) return;
      const withBases = graph
        ? withGraph(snapshot.images, graph, snapshot.providerOwner)
        : snapshot.images;
      const images = (
        lifecycle ? withStageAnnotations(withBases, lifecycle) : withBases
      ).map(e => withSourceLinks(e, links, snapshot.location));
      await this.applyChanges(
        [...images, ...snapshot.providers],
        locationKey,
        logger,
      );
      this.lastInputs = inputs;
    } else {
      // No good read by the backend yet: a full mutation would remove the
      // images the catalog still has from before, so only the Provider
      // entities are added.
      this.applied = undefined;
      await this.connection!.applyMutation({
        type: 'delta',
        added: deferred(snapshot.providers),
        removed: [],
      });
    }
    logger.debug('Image Factory entities refreshed', {
      location: snapshot.location,
      revision: snapshot.revision ?? 'none',
      images: snapshot.images?.length ?? 0,
      providers: snapshot.providers.length,
      issues: snapshot.issues.length,
    });
  }

  /**
   * Sends the catalog only the entities that changed since the last mutation
   * (a delta), nothing when none did, and a full mutation the first time, after
   * a failed one, when the location key moved, and every
   * `FULL_MUTATION_EVERY` (30) refreshes. A full mutation of 10,000 images
   * makes the catalog compare every one in a write transaction, on every read
   * of the backend; the delta of a one-entry change holds one entity.
   */
  private async applyChanges(
    entities: Entity[],
    locationKey: string,
    logger: LoggerService,
  ): Promise<void> {
    const connection = this.connection!;
    const refs = entities.map(e => stringifyEntityRef(e));
    const current = new Map(
      refs.map((ref, i) => [ref, JSON.stringify(entities[i])]),
    );
    const previous = this.applied;
    // Unknown until this mutation succeeds.
    this.applied = undefined;
    if (
      !previous ||
      previous.locationKey !== locationKey ||
      this.sinceFull + 1 >= FULL_MUTATION_EVERY
    ) {
      await connection.applyMutation({
        type: 'full',
        entities: entities.map(entity => ({ entity, locationKey })),
      });
      this.sinceFull = 0;
    } else {
      const added = entities.filter(
        (_, i) => previous.entities.get(refs[i]) !== current.get(refs[i]),
      );
      const removed = [...previous.entities.keys()].filter(
        ref => !current.has(ref),
      );
      if (added.length > 0 || removed.length > 0) {
        await connection.applyMutation({
          type: 'delta',
          added: added.map(entity => ({ entity, locationKey })),
          removed: removed.map(entityRef => ({ entityRef, locationKey })),
        });
      }
      this.sinceFull += 1;
      logger.debug('Image Factory entities changed', {
        added: added.length,
        removed: removed.length,
      });
    }
    this.applied = { locationKey, entities: current };
  }

  private async readSnapshot(
    logger: LoggerService,
  ): Promise<ImagesFileSnapshot | undefined> {
    try {
      const snapshot = await this.options.imagesFile();
      if (this.backendFailing) {
        logger.info('Image Factory images are readable again from the backend');
      }
      this.backendFailing = false;
      return snapshot;
    } catch (error) {
      assertError(error);
      if (!this.backendFailing) {
        logger.warn(
          'Image Factory backend unavailable; the catalog keeps its Image and Provider entities until it answers',
          { error: error.message },
        );
      }
      this.backendFailing = true;
      return undefined;
    }
  }

  /**
   * Whether the backend's answers are those the last mutation was made of
   * (the same objects: the reader got 304s), with nothing else due: no wait
   * for bases under way and no full mutation due.
   */
  private unchanged(inputs: unknown[]): boolean {
    const last = this.lastInputs;
    return (
      this.applied !== undefined &&
      this.waiting === undefined &&
      last !== undefined &&
      this.sinceFull + 1 < FULL_MUTATION_EVERY &&
      inputs.every((input, i) => input === last[i])
    );
  }

  /** The stage states; without them (backend unreadable) images go as they are. */
  private async readLifecycle(
    logger: LoggerService,
  ): Promise<LifecycleOverview | undefined> {
    if (!this.options.lifecycle) return undefined;
    try {
      return await this.options.lifecycle();
    } catch (error) {
      assertError(error);
      logger.warn('Image Factory stage states unavailable', {
        error: error.message,
      });
      return undefined;
    }
  }

  /**
   * The backend's graph, for dependsOn, the discovered bases and the images
   * whose bases are not known yet; without it, images go without them.
   */
  private async readGraph(
    logger: LoggerService,
  ): Promise<DependencyGraphResponse | undefined> {
    if (!this.options.graph) return undefined;
    try {
      const graph = await this.options.graph();
      if (this.graphFailing) {
        logger.info('Image Factory dependency graph is readable again');
      }
      this.graphFailing = false;
      return graph;
    } catch (error) {
      assertError(error);
      if (!this.graphFailing) {
        logger.warn(
          'Image Factory dependency graph unavailable; images go without dependsOn',
          { error: error.message },
        );
      }
      this.graphFailing = true;
      return undefined;
    }
  }

  /**
   * Whether this refresh should send nothing yet: while the backend is still
   * reading the Dockerfiles of new images, for at most `GRAPH_WAIT_MS`
   * (60 s). The catalog keeps what it has meanwhile; the backend's graph event
   * refreshes again as soon as the bases are known.
   */
  private waitForBases(basesUnknown: number, logger: LoggerService): boolean {
    if (basesUnknown === 0) {
      this.waiting = undefined;
      return false;
    }
    const now = Date.now();
    if (!this.waiting) {
      this.waiting = { since: now, gaveUp: false };
      logger.debug(
        'Image Factory images wait for their bases: their Dockerfiles are being read',
        { images: basesUnknown },
      );
    }
    if (now - this.waiting.since < GRAPH_WAIT_MS) return true;
    if (!this.waiting.gaveUp) {
      this.waiting.gaveUp = true;
      logger.info(
        'Image Factory images go to the catalog without dependsOn: their Dockerfiles are not read yet',
        { images: basesUnknown },
      );
    }
    return false;
  }
}
