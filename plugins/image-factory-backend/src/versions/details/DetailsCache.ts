import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { mapLimit } from '../../builds/mapLimit';
import { VersionCacheStore } from '../../database';
import { RepositoryRef } from '../../registry';
import { VersionRegistry } from '../VersionRegistry';
import { readVersionDetails } from './readVersionDetails';
import { PlatformDetails, VersionDetails } from './types';

/** How many digests are read from a registry at once. */
const CONCURRENCY = 6;
/** Parsed details kept in memory; the database holds the rest. */
const MEMORY_ENTRIES = 5_000;

/** A platform manifest as a version of its own (what a platform tag names). */
function singlePlatform(platform: PlatformDetails): VersionDetails {
  const { indexPlatform: _claimed, ...own } = platform;
  return {
    digest: platform.digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'image',
    size: platform.size,
    ...(platform.createdAt && { createdAt: platform.createdAt }),
    platforms: [own],
    attachments: [],
  };
}

/**
 * Details by digest: from memory or the database when read before (they
 * never change), else from the registry, then stored. Each platform
 * manifest is stored as details of its own too, so that it is read once
 * whichever index names it. A digest that cannot be read now is left out
 * (the caller shows it as partial) and tried again on the next call.
 */
export class DetailsCache {
  private readonly memory = new Map<string, VersionDetails>();
  /** Reads running now, by digest: two callers never read one digest twice. */
  private readonly reading = new Map<
    string,
    Promise<VersionDetails | undefined>
  >();

  constructor(
    private readonly options: {
      store: VersionCacheStore;
      registry: VersionRegistry;
      maxEntries: number;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {}

  /** The details of each digest that is cached or can be read now. */
  async get(
    repo: RepositoryRef,
    digests: string[],
    options: { fetchMissing: boolean; signal?: AbortSignal },
  ): Promise<{ details: Map<string, VersionDetails>; error?: Error }> {
    const details = await this.cached(digests);
    const missing = [...new Set(digests)].filter(d => !details.has(d));
    if (!options.fetchMissing || missing.length === 0) return { details };

    let error: Error | undefined;
    await mapLimit(missing, CONCURRENCY, async digest => {
      // After the first failure (budget spent, registry down), stop asking.
      if (error) return;
      try {
        const read = await this.once(digest, () =>
          readVersionDetails(this.options.registry, repo, digest, {
            signal: options.signal,
            platform: (child, readChild) =>
              this.once(child, async () => {
                const platform = await readChild();
                return platform && singlePlatform(platform);
              }).then(d => d?.platforms[0]),
          }),
        );
        if (read) details.set(digest, read);
      } catch (e) {
        assertError(e);
        error ??= e;
      }
    });
    if (error) {
      this.options.logger.warn(
        `Could not read ${
          missing.filter(d => !details.has(d)).length
        } version(s) of ${repo.registry}/${repo.repository}: ${error.message}`,
      );
    }
    return { details, ...(error && { error }) };
  }

  /** From memory, else the database (then kept in memory). */
  private async cached(
    digests: string[],
  ): Promise<Map<string, VersionDetails>> {
    const found = new Map<string, VersionDetails>();
    const notInMemory: string[] = [];
    for (const digest of new Set(digests)) {
      const hit = this.memory.get(digest);
      if (hit) found.set(digest, hit);
      else notInMemory.push(digest);
    }
    if (notInMemory.length > 0) {
      const stored = await this.options.store.getDetails(notInMemory);
      for (const [digest, json] of stored) {
        const parsed = JSON.parse(json) as VersionDetails;
        found.set(digest, parsed);
        this.remember(parsed);
      }
    }
    return found;
  }

  /**
   * The details of one digest, cached, or read once by `read` however many
   * callers ask at the same time, then stored.
   */
  private once(
    digest: string,
    read: () => Promise<VersionDetails | undefined>,
  ): Promise<VersionDetails | undefined> {
    const running = this.reading.get(digest);
    if (running) return running;
    const started = (async () => {
      const hit = (await this.cached([digest])).get(digest);
      if (hit) return hit;
      const fresh = await read();
      if (fresh) {
        this.remember(fresh);
        await this.options.store.saveDetails(
          [{ digest, details: JSON.stringify(fresh) }],
          (this.options.clock ?? (() => new Date()))(),
          this.options.maxEntries,
        );
      }
      return fresh;
    })().finally(() => this.reading.delete(digest));
    this.reading.set(digest, started);
    return started;
  }

  private remember(details: VersionDetails): void {
    if (this.memory.size >= MEMORY_ENTRIES) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.memory.keys().next().value;
      if (oldest !== undefined) this.memory.delete(oldest);
    }
    this.memory.set(details.digest, details);
  }
}
