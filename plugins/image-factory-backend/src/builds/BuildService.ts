import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  BuildCause,
  BuildLogPage,
  BuildRun,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import {
  BuildLogStore,
  BuildRunRecord,
  BuildStore,
  toBuildRun,
} from '../database';
import { BuildEvents } from './BuildEvents';
import { BuildWorker } from './BuildWorker';

const ACTIVE = new Set(['queued', 'running']);

/** True once a run has ended (and its log is complete). */
export function isFinished(run: Pick<BuildRun, 'status'>): boolean {
  return !ACTIVE.has(run.status);
}

/** What the REST API does with build runs. */
export class BuildService {
  constructor(
    private readonly options: {
      store: BuildStore;
      logs: BuildLogStore;
      events: BuildEvents;
      images: () => ImageEntityV1alpha1[];
      /** This backend's worker, if it runs one. */
      worker?: BuildWorker;
      clock?: () => Date;
    },
  ) {}

  get events(): BuildEvents {
    return this.options.events;
  }

  findImage(name: string): ImageEntityV1alpha1 | undefined {
    return this.options.images().find(i => i.metadata.name === name);
  }

  /** Queues a run of the image, or returns its queued or running one. */
  async start(request: {
    image: ImageEntityV1alpha1;
    cause: BuildCause;
    causeDetail?: string;
    requestedBy?: string;
    force?: boolean;
    /**
     * Only these of the image's platforms (those whose bases changed); the
     * others are reused from the last successful run when its source is the
     * same. Default: all.
     */
    platforms?: string[];
  }): Promise<{ run: BuildRun; created: boolean }> {
    const { image } = request;
    const platforms = image.spec.platforms.filter(
      p => !request.platforms || request.platforms.includes(p),
    );
    const { run, created } = await this.options.store.enqueue({
      id: randomUUID(),
      imageName: image.metadata.name,
      entityRef: stringifyEntityRef(image),
      cause: request.cause,
      causeDetail: request.causeDetail,
      requestedBy: request.requestedBy,
      force: request.force ?? false,
      inputs: {
        platforms: platforms.length > 0 ? platforms : image.spec.platforms,
      },
      createdAt: this.options.clock?.() ?? new Date(),
    });
    if (created) {
      this.options.events.changed(run.id);
      this.options.worker?.wake();
    }
    return { run: toBuildRun(run), created };
  }

  async list(imageName: string, limit: number): Promise<BuildRun[]> {
    const records = await this.options.store.list({ imageName, limit });
    return records.map(toBuildRun);
  }

  /** {@link BuildService.list} of many images in one batched read. */
  async listOf(
    imageNames: string[],
    limit: number,
  ): Promise<Map<string, BuildRun[]>> {
    const records = await this.options.store.latestOf(imageNames, limit);
    return new Map(
      [...records].map(([name, runs]) => [name, runs.map(toBuildRun)]),
    );
  }

  /** Changes whenever a run is created or ends. */
  runsStamp(): Promise<string> {
    return this.options.store.stamp();
  }

  /** Names of the images with a run created or ended at or after `since`. */
  async imagesChangedSince(since: Date): Promise<string[]> {
    const runs = await this.options.store.changedSince(since);
    return [...new Set(runs.map(r => r.imageName))];
  }

  /** Which of these images have a succeeded run, in batched queries. */
  async withSucceededRun(imageNames: string[]): Promise<Set<string>> {
    return new Set(
      (await this.options.store.lastSucceededOf(imageNames)).keys(),
    );
  }

  async get(id: string): Promise<BuildRun | undefined> {
    const record = await this.options.store.get(id);
    return record && toBuildRun(record);
  }

  /** The run, or a 404 naming it. */
  async require(id: string): Promise<BuildRunRecord> {
    const record = await this.options.store.get(id);
    if (!record) throw new NotFoundError(`No build run with id '${id}'`);
    return record;
  }

  /** Lines after `after`; `done` once the run has ended and no line is left. */
  async logs(id: string, after: number, limit: number): Promise<BuildLogPage> {
    // The run is read first: a worker writes the last lines before it ends
    // the run, so a run seen ended has all its lines in.
    const run = await this.require(id);
    const items = await this.options.logs.read(id, { after, limit });
    return { items, done: isFinished(run) && items.length < limit };
  }

  /** Cancels a queued run at once, or stops a running one; 409 for an ended run. */
  async cancel(id: string): Promise<BuildRun> {
    const outcome = await this.options.store.requestCancel(
      id,
      this.options.clock?.() ?? new Date(),
    );
    if (!outcome) throw new NotFoundError(`No build run with id '${id}'`);
    if (outcome === 'finished') {
      const run = await this.require(id);
      throw new ConflictError(
        `Build run '${id}' has already ended (${run.status})`,
      );
    }
    if (outcome === 'requested') {
      // Another backend's run stops at that backend's next poll.
      this.options.worker?.cancel(id);
    }
    this.options.events.changed(id);
    return toBuildRun(await this.require(id));
  }
}
