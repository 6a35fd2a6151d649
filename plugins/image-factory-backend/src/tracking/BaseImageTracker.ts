import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  parseShortDuration,
  ImageEntityV1alpha1,
  RegistryBudgetList,
  WatchedImageStatus,
} from '@image-factory/plugin-image-factory-common';
import { DigestStore } from '../database';
import { DigestWatcher, DigestWatcherSummary } from './DigestWatcher';
import { trackingKey } from './referenceKey';

/** How many digests of each reference the status shows. */
export const STATUS_HISTORY_LENGTH = 5;

/**
 * Watches the images the factory does not build itself (types `base` and
 * `external`) and the bases found in Dockerfiles for new digests, and
 * reports what it knows about each.
 */
export class BaseImageTracker {
  constructor(
    private readonly options: {
      watcher: DigestWatcher;
      store: DigestStore;
      images: () => ImageEntityV1alpha1[];
      /**
       * Bases found in Dockerfiles, each with the Image entities built FROM
       * it: they are what changes upstream, so they are watched too.
       */
      bases?: () => Map<string, string[]>;
      logger: LoggerService;
    },
  ) {}

  /** The watched references and the Image entities that use each. */
  private usage(): Map<string, string[]> {
    const usedBy = new Map<string, string[]>();
    for (const image of this.options.images()) {
      if (image.spec.type === 'managed') continue;
      const key = trackingKey(image.spec.reference);
      if (!key) continue;
      usedBy.set(key, [...(usedBy.get(key) ?? []), stringifyEntityRef(image)]);
    }
    // One watched key per reference, however many images use it.
    for (const [reference, users] of this.options.bases?.() ?? []) {
      const key = trackingKey(reference);
      if (!key) continue;
      usedBy.set(key, [...new Set([...(usedBy.get(key) ?? []), ...users])]);
    }
    return usedBy;
  }

  /**
   * Per reference, the shortest `watch.interval` of the images using it:
   * base and external images for their own reference, managed ones for the
   * bases in their Dockerfiles.
   */
  private intervals(usage: Map<string, string[]>): Map<string, number> {
    const byRef = new Map(
      this.options.images().map(i => [stringifyEntityRef(i), i]),
    );
    const intervals = new Map<string, number>();
    for (const [reference, users] of usage) {
      const own = users.flatMap(user => {
        const text = byRef.get(user)?.spec.watch?.interval;
        const ms = text ? parseShortDuration(text) : undefined;
        return ms && ms > 0 ? [ms] : [];
      });
      if (own.length > 0) intervals.set(reference, Math.min(...own));
    }
    return intervals;
  }

  /**
   * A registry said these references were pushed: the watched ones become due
   * now and are checked at once (in the background), instead of at their
   * next scheduled check. Returns the watched ones.
   */
  async markPushed(references: string[], now = new Date()): Promise<string[]> {
    const due = await this.options.store.markDue(references, now);
    if (due.length > 0) {
      this.runOnce().catch(error =>
        this.options.logger.warn(`Checking pushed references failed: ${error}`),
      );
    }
    return due;
  }

  /**
   * Syncs the watched set with the images, then checks what is due, until
   * `signal` (the scheduled task's) aborts.
   */
  async runOnce(signal?: AbortSignal): Promise<DigestWatcherSummary> {
    const usage = this.usage();
    await this.options.watcher.setWatched(usage.keys(), this.intervals(usage));
    // The watcher logs each change and each failed check itself.
    return this.options.watcher.runDue(signal);
  }

  /** The request budget of each registry host, for the status page. */
  async registryBudgets(): Promise<RegistryBudgetList> {
    const { countingSince, items } =
      await this.options.watcher.registryBudgets();
    return { enabled: true, countingSince: countingSince.toISOString(), items };
  }

  /** What the factory knows of each watched reference, for the status page. */
  async status(): Promise<WatchedImageStatus[]> {
    const schedule = new Map(
      (await this.options.store.listWatched()).map(w => [w.reference, w]),
    );
    const usage = [...this.usage().entries()].sort(([a], [b]) =>
      a.localeCompare(b),
    );
    const builders = new Map<string, string>();
    for (const image of this.options.images()) {
      const key = image.spec.source && trackingKey(image.spec.reference);
      if (key) builders.set(key, stringifyEntityRef(image));
    }
    return Promise.all(
      usage.map(async ([reference, usedBy]) => {
        const watched = schedule.get(reference);
        const [current, history] = await Promise.all([
          this.options.store.getCurrent(reference),
          this.options.store.getHistory(reference, STATUS_HISTORY_LENGTH),
        ]);
        const status: WatchedImageStatus = { reference, usedBy };
        const builtBy = builders.get(reference);
        if (builtBy) status.builtBy = builtBy;
        if (history.watchedSince) {
          status.watchedSince = history.watchedSince.toISOString();
        }
        if (history.digests.length > 0) {
          status.history = history.digests.map(d => ({
            digest: d.digest,
            firstSeenAt: d.firstSeenAt.toISOString(),
            lastSeenAt: d.lastSeenAt.toISOString(),
          }));
        }
        if (current) {
          status.digest = current.digest.digest;
          status.firstSeenAt = current.digest.firstSeenAt.toISOString();
          if (current.platforms.length > 0) {
            status.platforms = current.platforms.map(p => ({
              platform: p.platform,
              digest: p.digest,
            }));
          }
        }
        if (watched?.lastCheckedAt) {
          status.lastCheckedAt = watched.lastCheckedAt.toISOString();
        }
        if (watched) status.nextCheckAt = watched.nextCheckAt.toISOString();
        if (watched?.lastError) status.lastError = watched.lastError;
        return status;
      }),
    );
  }
}
