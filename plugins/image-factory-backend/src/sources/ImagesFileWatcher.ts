import {
  LoggerService,
  SchedulerServiceTaskRunner,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import {
  ImageEntityV1alpha1,
  ImagesFileSnapshot,
  ImagesFileStatus,
} from '@image-factory/plugin-image-factory-common';
import {
  DEFAULT_PROVIDER_OWNER,
  ImagesFileProblemLogger,
  ProviderConfig,
  providerToEntity,
  ImageEntitiesReadResult,
  readImageEntities,
  resolveImagesLocation,
} from '@image-factory/plugin-image-factory-node';
import { ImagesStore } from '../database';
import { capIssues } from './capIssues';

/** The watcher's scheduled task: local, each replica reads the file. */
export const IMAGES_FILE_TASK = 'image-factory:images-file';

/**
 * Reads `images.yaml` on a schedule: keeps the last good set of images for the
 * engine, records their history in the database, and remembers every problem
 * for the status route. It is the suite's only reader of the file: the catalog
 * module gets its entities from {@link ImagesFileWatcher.getSnapshot} over the
 * REST API, so the catalog and the engine agree on what is valid.
 */
export class ImagesFileWatcher {
  private images: ImageEntityV1alpha1[] = [];
  /** The revision of `images`; undefined until a read succeeded. */
  private revision?: string;
  /** The last read's result, handed to the next read. */
  private lastRead?: ImageEntitiesReadResult;
  /** The revision whose images were last written to the store. */
  private syncedRevision?: string;
  private status: ImagesFileStatus;
  private readonly problems: ImagesFileProblemLogger;
  private markRead: () => void = () => {};
  private readonly firstRead = new Promise<void>(resolve => {
    this.markRead = resolve;
  });

  constructor(
    private readonly options: {
      location: string;
      providers: ProviderConfig[];
      /** Owner of the Provider entities; default `group:default/platform-team`. */
      providerOwner?: string;
      urlReader: UrlReaderService;
      store: ImagesStore;
      logger: LoggerService;
      clock?: () => Date;
      /**
       * Called after a good read whose content differs from the previous good
       * read's (the first good read included), to announce the new images.
       */
      onNewRevision?: (revision: string) => Promise<void>;
    },
  ) {
    this.status = {
      // The form reads report, so that the location is one key from the start.
      location: resolveImagesLocation(options.location),
      ok: false,
      imageCount: 0,
      issues: [],
    };
    this.problems = new ImagesFileProblemLogger(options.logger);
  }

  /** Schedules {@link ImagesFileWatcher.refresh} on the given runner. */
  async start(taskRunner: SchedulerServiceTaskRunner): Promise<void> {
    await taskRunner.run({
      id: IMAGES_FILE_TASK,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          assertError(error);
          this.options.logger.error('Reading images.yaml failed', error);
        }
      },
    });
  }

  /** Resolves once the file has been read (or failed to read) for the first time. */
  whenRead(): Promise<void> {
    return this.firstRead;
  }

  /** The valid images of the last good read. */
  getImages(): ImageEntityV1alpha1[] {
    return this.images;
  }

  /** The revision (`sha256:<hex>`) of the last good read; none before one. */
  getRevision(): string | undefined {
    return this.revision;
  }

  getStatus(): ImagesFileStatus {
    return this.status;
  }

  /**
   * The last read as the catalog needs it: the status, the images of the last
   * good read with its revision (neither before one), and the Provider entities.
   */
  getSnapshot(): ImagesFileSnapshot {
    const owner = this.options.providerOwner ?? DEFAULT_PROVIDER_OWNER;
    return {
      ...this.status,
      ...(this.revision !== undefined
        ? { revision: this.revision, images: this.images }
        : {}),
      providers: this.options.providers.map(p => providerToEntity(p, owner)),
      providerOwner: owner,
    };
  }

  async refresh(): Promise<ImagesFileStatus> {
    try {
      return await this.read();
    } finally {
      // Even a failed first read ends the wait of those who need the images.
      this.markRead();
    }
  }

  private async read(): Promise<ImagesFileStatus> {
    const now = this.options.clock?.() ?? new Date();
    const result = await readImageEntities({
      location: this.options.location,
      urlReader: this.options.urlReader,
      providers: this.options.providers,
      // The same content is not parsed again: its entities stay the same objects.
      previous: this.lastRead,
    });
    this.lastRead = result;
    this.problems.report(result);
    const previousRevision = this.revision;
    if (!result.error) {
      this.images = result.entities;
      this.revision = result.revision;
    }
    // Only a new revision is written: every replica reads the file, most
    // often finding what it read before.
    if (!result.error && result.revision !== this.syncedRevision) {
      await this.options.store.syncPresent(
        result.entities.map(entity => ({
          entityRef: stringifyEntityRef(entity),
          type: entity.spec.type,
          reference: entity.spec.reference,
          owner: entity.spec.owner,
          entity,
        })),
        now,
      );
      this.syncedRevision = result.revision;
    }
    this.status = {
      location: result.location,
      lastReadAt: now.toISOString(),
      ok: !result.error && result.issues.length === 0,
      imageCount: this.images.length,
      issues: capIssues(result.issues),
      ...(result.error ? { error: result.error } : {}),
    };
    if (this.revision && this.revision !== previousRevision) {
      // Those told may wait for the first read: it is done.
      this.markRead();
      await this.announce(this.revision);
    }
    return this.status;
  }

  private async announce(revision: string): Promise<void> {
    try {
      await this.options.onNewRevision?.(revision);
    } catch (error) {
      assertError(error);
      // The images are read; their readers catch up on their own schedule.
      this.options.logger.warn('Announcing a new images.yaml failed', {
        revision,
        error: error.message,
      });
    }
  }
}
