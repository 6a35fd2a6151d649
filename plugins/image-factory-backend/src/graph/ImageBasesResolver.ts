import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import {
  DockerfileAnalysis,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import {
  ProviderConfig,
  sourceWebUrl,
} from '@image-factory/plugin-image-factory-node';
import { createHash } from 'crypto';
import { analyzeDockerfile } from '../analysis';
import { mapLimit } from '../builds/mapLimit';
import { ImageBasesRecord, ImageBasesStore } from '../database';
import { ImageBases, ResolvedBase } from './types';

/** Automatic platform ARGs: when a Dockerfile uses one, its bases may differ per platform. */
const PLATFORM_ARG = /\$\{?(TARGET|BUILD)(PLATFORM|OS|ARCH|VARIANT)\b/;

/** Where an image's Dockerfile is read, and a hash of what its analysis depends on. */
type Reading = { url: string; inputs: string };

/** An image a pass may read, with its reading (none without a source host). */
type ReadItem = {
  image: ImageEntityV1alpha1;
  entityRef: string;
  reading: Reading | undefined;
};

/** How often a replica checks whether another one resolved bases. */
const SYNC_INTERVAL_MS = 2_000;

/** Default of how many Dockerfiles already read are read again a minute. */
const RECHECKS_PER_MINUTE = 300;

/**
 * A Dockerfile already read is read again no sooner than this after its last
 * read, however often the task runs (a schedule of seconds must not become
 * hundreds of requests a second to the source host).
 */
const RECHECK_AFTER_MS = 60_000;

/** How many Dockerfiles a resolution reads at once. */
const READ_CONCURRENCY = 4;

/** How many analyses are written to the database together. */
const WRITE_BATCH = 200;

/** What a resolution pass did, for logs and tests. */
export interface ResolveSummary {
  /** Images whose Dockerfile was read and analyzed. */
  analyzed: string[];
  /** Images whose Dockerfile had not changed (304) and were not analyzed again. */
  unchanged: string[];
  /** Images with a problem. */
  failed: string[];
}

function dockerfileUrl(
  host: Pick<ProviderConfig, 'endpoint' | 'webUrl'>,
  source: NonNullable<ImageEntityV1alpha1['spec']['source']>,
): string {
  return `${sourceWebUrl(host)}/${source.repo}/blob/${source.branch}/${
    source.dockerfile
  }`;
}

/**
 * Analyzes a Dockerfile for the image's platforms. Once, with the first
 * platform, unless it uses the automatic platform ARGs (`FROM
 * node-${TARGETARCH}`): then once per platform, each base listing the platforms
 * whose build uses it, so that a change of one platform's base rebuilds only it.
 */
export function analyzeForPlatforms(
  text: string,
  options: {
    file: string;
    buildArgs?: Record<string, string>;
    platforms: string[];
  },
): { bases: ResolvedBase[]; analyses: DockerfileAnalysis[] } {
  const platforms =
    options.platforms.length > 0 ? options.platforms : ['linux/amd64'];
  const perPlatform = PLATFORM_ARG.test(text) ? platforms : [platforms[0]];
  const bases = new Map<string, ResolvedBase>();
  const analyses = perPlatform.map(platform => {
    const analysis = analyzeDockerfile(text, {
      file: options.file,
      buildArgs: options.buildArgs,
      platform,
    });
    for (const base of analysis.bases) {
      const known = bases.get(base.reference);
      if (known) {
        known.platforms.push(platform);
      } else {
        bases.set(base.reference, {
          reference: base.reference,
          ...(base.digest ? { digest: base.digest } : {}),
          platforms: [platform],
          usages: base.usages,
        });
      }
    }
    return analysis;
  });
  if (perPlatform.length === 1) {
    for (const base of bases.values()) base.platforms = [...platforms];
  }
  return { bases: [...bases.values()], analyses };
}

/**
 * Finds the base images of every managed or base image with a source: reads
 * its Dockerfile through the UrlReader (with the previous ETag, so an
 * unchanged file costs a 304 and no analysis), analyzes it with the entry's
 * build args, and keeps the result per image in the database, so that a
 * restart knows the bases without asking the source host. Problems (a bad
 * Dockerfile, a missing file) are kept with the image, never thrown.
 */
export class ImageBasesResolver {
  private cache = new Map<string, ImageBases>();
  /** The load running or done; see {@link ImageBasesResolver.load}. */
  private loading?: Promise<void>;
  private loaded = false;
  private syncing = false;
  /** When the store was last checked for others' changes (Date.now()). */
  private checkedAt = 0;
  /** The store's stamp when last read (or written by this resolver). */
  private stamp?: string;
  /** Resolutions running in this process. */
  private resolving = 0;
  private changes = 0;
  /**
   * What the last pass saw (the images array, which stays the same object
   * while images.yaml does, and the store's stamp) and when a Dockerfile it
   * did not read falls due: until then, with the same two, a pass has
   * nothing to do and reads nothing, not even the store.
   */
  private lastPass?: {
    images: ImageEntityV1alpha1[];
    stamp?: string;
    nextDueAt: number;
  };
  /** The rechecks of the current minute: when it began and how many so far. */
  private rechecks = { since: -Infinity, count: 0 };

  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      providers: ProviderConfig[];
      store: ImageBasesStore;
      logger: LoggerService;
      clock?: () => Date;
      /**
       * How many Dockerfiles already read are read again a minute, those
       * read longest ago first (default 300); new and changed entries are
       * read whatever their number.
       */
      rechecksPerMinute?: number;
      /** Least time between two reads of one Dockerfile (default a minute). */
      recheckAfterMs?: number;
    },
  ) {}

  /**
   * Loads what the database knows. Called again, it reads the records again
   * when they changed (checked at most every {@link SYNC_INTERVAL_MS}): with
   * several replicas one of them resolves, and the others learn its results
   * here. Once loaded, a failed check keeps what is known.
   */
  load(): Promise<void> {
    const now = Date.now();
    if (
      !this.loading ||
      (this.loaded && !this.syncing && now - this.checkedAt >= SYNC_INTERVAL_MS)
    ) {
      this.checkedAt = now;
      this.syncing = true;
      this.loading = this.sync().then(
        () => {
          this.syncing = false;
          this.loaded = true;
        },
        error => {
          this.syncing = false;
          // Never loaded: the next call tries again; else keep what is known.
          if (!this.loaded) {
            this.loading = undefined;
            throw error;
          }
          this.options.logger.warn(
            'Reading the resolved bases of other replicas failed',
            { error: String(error) },
          );
        },
      );
    }
    return this.loading;
  }

  /**
   * Reads every record when the store's stamp (count and latest analysis
   * time) moved since the last read; replicas' clocks are taken to agree
   * better than the time between two resolutions.
   */
  private async sync(): Promise<void> {
    const { store } = this.options;
    // A resolution running here is the one writing: nothing to learn.
    if (this.loaded && this.resolving > 0) return;
    // The stamp first: a write after it makes the next check read again.
    const stamp = await store.stamp();
    if (stamp === this.stamp) return;
    const records = await store.list();
    const present = new Set<string>();
    for (const r of records) {
      present.add(r.entityRef);
      this.keep({
        entityRef: r.entityRef,
        bases: r.bases as ResolvedBase[],
        problems: r.problems,
        analyzedAt: r.analyzedAt,
      });
    }
    for (const entityRef of [...this.cache.keys()]) {
      if (!present.has(entityRef)) {
        this.cache.delete(entityRef);
        this.changes++;
      }
    }
    this.stamp = stamp;
  }

  /**
   * Grows whenever what the resolver knows changes (bases or problems of an
   * image, an image gained or forgotten), so that the graph is built again
   * only then.
   */
  version(): number {
    return this.changes;
  }

  /** Keeps an image's record; counts a change only when its bases or problems differ. */
  private keep(record: ImageBases) {
    const before = this.cache.get(record.entityRef);
    if (
      !before ||
      JSON.stringify([before.bases, before.problems]) !==
        JSON.stringify([record.bases, record.problems])
    ) {
      this.changes++;
    }
    this.cache.set(record.entityRef, record);
  }

  /** What is known of an image, if anything. */
  get(entityRef: string): ImageBases | undefined {
    return this.cache.get(entityRef);
  }

  /** What is known of every image. */
  list(): ImageBases[] {
    return [...this.cache.values()];
  }

  /**
   * The bases of an image that is not enrolled yet (a proposed change), read
   * from its source host now and kept nowhere; undefined when its Dockerfile
   * cannot be read.
   */
  async analyze(
    image: ImageEntityV1alpha1,
  ): Promise<ResolvedBase[] | undefined> {
    const source = image.spec.source;
    const host =
      source &&
      this.options.providers.find(
        p => p.kind === 'source' && p.implementation === source.provider,
      );
    if (!source || !host) return undefined;
    try {
      const response = await this.options.urlReader.readUrl(
        dockerfileUrl(host, source),
      );
      const text = (await response.buffer()).toString('utf8');
      return analyzeForPlatforms(text, {
        file: source.dockerfile,
        buildArgs: image.spec.buildArgs,
        platforms: image.spec.platforms,
      }).bases;
    } catch {
      return undefined;
    }
  }

  /** Reads and analyzes the Dockerfile of each image that has one. */
  async resolve(images: ImageEntityV1alpha1[]): Promise<ResolveSummary> {
    await this.load();
    this.resolving++;
    try {
      return await this.resolveAll(images);
    } finally {
      this.resolving--;
    }
  }

  private async resolveAll(
    images: ImageEntityV1alpha1[],
  ): Promise<ResolveSummary> {
    const summary: ResolveSummary = { analyzed: [], unchanged: [], failed: [] };
    const now = (this.options.clock?.() ?? new Date()).getTime();
    const last = this.lastPass;
    if (
      last?.images === images &&
      last.stamp === this.stamp &&
      now < last.nextDueAt
    ) {
      return summary;
    }
    const stored = new Map(
      (await this.options.store.list()).map(r => [r.entityRef, r]),
    );
    const sourced = images.filter(
      image => image.spec.type !== 'external' && image.spec.source,
    );
    const present = sourced.map(image => stringifyEntityRef(image));
    // Where each Dockerfile is read and what its analysis depends on, once.
    const { due, nextDueAt } = this.dueForReading(
      sourced.map((image, i) => ({
        image,
        entityRef: present[i],
        reading: this.readingOf(image),
      })),
      stored,
      now,
    );
    // A few reads at a time: thousands of new images are read in minutes,
    // not hours, without a burst the source host would refuse.
    // Written a batch at a time: a round trip per image was most of the
    // time of a pass over thousands of new images.
    const writes: ImageBasesRecord[] = [];
    const flush = async () => {
      const batch = writes.splice(0);
      if (batch.length > 0) await this.options.store.putAll(batch);
    };
    const write = async (record: ImageBasesRecord) => {
      writes.push(record);
      if (writes.length >= WRITE_BATCH) await flush();
    };
    const outcomes = await mapLimit(
      due,
      READ_CONCURRENCY,
      ({ image, entityRef, reading }) =>
        this.resolveOne(
          image,
          entityRef,
          stored.get(entityRef),
          reading,
          write,
        ),
    );
    await flush();
    outcomes.forEach((outcome, i) => summary[outcome].push(due[i].entityRef));
    await this.options.store.markChecked(
      summary.unchanged,
      this.options.clock?.() ?? new Date(),
    );
    await this.options.store.retain(present);
    // What this resolver wrote is known here already: not read back.
    this.stamp = await this.options.store.stamp();
    const keep = new Set(present);
    for (const entityRef of [...this.cache.keys()]) {
      if (!keep.has(entityRef)) {
        this.cache.delete(entityRef);
        this.changes++;
      }
    }
    this.lastPass = { images, stamp: this.stamp, nextDueAt };
    this.options.logger.debug('Image bases resolved', {
      analyzed: summary.analyzed.length,
      unchanged: summary.unchanged.length,
      failed: summary.failed.length,
      notReadThisPass: sourced.length - due.length,
    });
    return summary;
  }

  /**
   * The images whose Dockerfile this pass reads: every new or changed entry
   * (never read with its current URL, build args and platforms), then up to
   * `rechecksPerMinute` of the others read at least `recheckAfterMs` ago,
   * those with problems and then those read longest ago first. So at 10,000
   * images a minute costs a few hundred conditional requests whatever the
   * schedule, and each Dockerfile is still read again in turn.
   * Also returns when the first of those not read falls due.
   */
  private dueForReading(
    images: ReadItem[],
    stored: Map<string, ImageBasesRecord>,
    now: number,
  ): { due: ReadItem[]; nextDueAt: number } {
    const fresh: typeof images = [];
    const read: Array<{
      item: (typeof images)[number];
      problems: boolean;
      at: number;
    }> = [];
    for (const item of images) {
      const record = stored.get(item.entityRef);
      if (
        !record ||
        !this.cache.has(item.entityRef) ||
        record.inputs !== item.reading?.inputs
      ) {
        fresh.push(item);
      } else {
        read.push({
          item,
          problems: record.problems.length > 0,
          at: (record.checkedAt ?? record.analyzedAt).getTime(),
        });
      }
    }
    const after = this.options.recheckAfterMs ?? RECHECK_AFTER_MS;
    const ready = read.filter(r => r.at <= now - after);
    ready.sort(
      (a, b) => Number(b.problems) - Number(a.problems) || a.at - b.at,
    );
    if (now - this.rechecks.since >= 60_000) {
      this.rechecks = { since: now, count: 0 };
    }
    const limit = Math.max(
      0,
      (this.options.rechecksPerMinute ?? RECHECKS_PER_MINUTE) -
        this.rechecks.count,
    );
    const rechecks = ready.slice(0, limit);
    this.rechecks.count += rechecks.length;
    const due = [...fresh, ...rechecks.map(r => r.item)];
    // Those read now fall due again after `after`; those left over when
    // this minute's rechecks are spent.
    let nextDueAt = due.length > 0 ? now + after : Infinity;
    if (ready.length > limit) {
      nextDueAt = Math.min(nextDueAt, this.rechecks.since + 60_000);
    }
    for (const r of read) {
      if (r.at > now - after) nextDueAt = Math.min(nextDueAt, r.at + after);
    }
    return { due, nextDueAt };
  }

  /** Where an image's Dockerfile is read, and what its analysis depends on. */
  private readingOf(image: ImageEntityV1alpha1): Reading | undefined {
    const source = image.spec.source!;
    const host = this.options.providers.find(
      p => p.kind === 'source' && p.implementation === source.provider,
    );
    if (!host) return undefined;
    const url = dockerfileUrl(host, source);
    const inputs = createHash('sha256')
      .update(
        JSON.stringify([url, image.spec.buildArgs ?? {}, image.spec.platforms]),
      )
      .digest('hex');
    return { url, inputs };
  }

  private async resolveOne(
    image: ImageEntityV1alpha1,
    entityRef: string,
    previous: { etag?: string; inputs?: string } | undefined,
    reading: Reading | undefined,
    write: (record: ImageBasesRecord) => Promise<void>,
  ): Promise<keyof ResolveSummary> {
    const source = image.spec.source!;
    const name = image.metadata.name;
    const now = this.options.clock?.() ?? new Date();
    const keep = (problems: string[], clearBases = false) => {
      const before = this.cache.get(entityRef);
      const record: ImageBases = {
        entityRef,
        bases: clearBases ? [] : before?.bases ?? [],
        problems,
        analyzedAt: now,
      };
      this.keep(record);
      return write({
        ...record,
        analyzedAt: now,
        bases: record.bases,
        // What it was read with: read again in turn, not as a new entry.
        ...(reading ? { inputs: reading.inputs } : {}),
      });
    };
    if (!reading) {
      await keep([
        `${name}: no source host of type ${source.provider} is configured (imageFactory.providers.sources)`,
      ]);
      return 'failed';
    }
    const { url, inputs } = reading;
    // The ETag only says the file is unchanged; changed build args or
    // platforms need a new analysis all the same.
    const etag =
      previous?.inputs === inputs && this.cache.has(entityRef)
        ? previous.etag
        : undefined;

    let text: string;
    let newEtag: string | undefined;
    try {
      const response = await this.options.urlReader.readUrl(url, { etag });
      text = (await response.buffer()).toString('utf8');
      newEtag = response.etag;
    } catch (error) {
      assertError(error);
      if (error.name === 'NotModifiedError') return 'unchanged';
      const notFound = error.name === 'NotFoundError';
      const message = notFound
        ? `${name}: ${source.dockerfile}: not found in ${source.repo} on branch ${source.branch} (the repository, the branch or the file is gone, or the factory may not read it)`
        : `${name}: ${source.dockerfile}: could not be read from ${source.repo}: ${error.message}`;
      this.options.logger.warn('Reading a Dockerfile failed', {
        entityRef,
        url,
        error: error.message,
      });
      // A file that is gone has no bases; after a passing error the last known ones stay.
      await keep([message], notFound);
      return 'failed';
    }

    const { bases, analyses } = analyzeForPlatforms(text, {
      file: source.dockerfile,
      buildArgs: image.spec.buildArgs,
      platforms: image.spec.platforms,
    });
    const problems = [
      ...new Set(
        analyses.flatMap(a => a.errors.map(e => `${name}: ${e.message}`)),
      ),
    ];
    this.keep({ entityRef, bases, problems, analyzedAt: now });
    await write({
      entityRef,
      bases,
      problems,
      analyzedAt: now,
      ...(newEtag ? { etag: newEtag } : {}),
      inputs,
    });
    if (problems.length > 0) {
      this.options.logger.warn('Dockerfile has problems', {
        entityRef,
        problems: problems.join('; '),
      });
      return 'failed';
    }
    return 'analyzed';
  }
}
