import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError, CustomErrorBase } from '@backstage/errors';
import {
  ImageFactoryRegistryAdapter,
  RegistryTag,
} from '@image-factory/plugin-image-factory-node';
import { mapLimit } from '../builds/mapLimit';
import { CachedListing, CachedTag, VersionCacheStore } from '../database';
import { ManifestNotFoundError, RepositoryRef } from '../registry';
import { parseAttachmentTag } from './tags/attachmentTags';
import { isImmutableTag } from './tags/immutableTags';
import { VersionRegistry } from './VersionRegistry';

const PAGE_SIZE = 100;
const HEAD_CONCURRENCY = 16;

/** A repository holds more tags than `imageFactory.versions.maxTags`. */
export class TooManyTagsError extends CustomErrorBase {
  name = 'TooManyTagsError' as const;
}

/** A listing as the Versions view reads it. */
export interface ListingRead {
  listing?: CachedListing;
  /** True while a refresh runs in the background. */
  refreshing: boolean;
}

/**
 * The tag listings of repositories: read from the database while younger
 * than the cache time, listed again in the background once older, and
 * listed at once when there is none. A failed listing keeps the tags of the
 * last success and notes since when the registry fails. One listing per
 * repository runs at a time.
 */
export class RepositoryListings {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      store: VersionCacheStore;
      registry: VersionRegistry;
      cacheTimeMs: number;
      maxTags: number;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {}

  async read(repo: RepositoryRef): Promise<ListingRead> {
    const { store, cacheTimeMs } = this.options;
    let listing = await store.getListing(repo.registry, repo.repository);
    if (!listing?.listedAt && !listing?.failingSince) {
      await this.refresh(repo);
      listing = await store.getListing(repo.registry, repo.repository);
      return { listing, refreshing: false };
    }
    const age = listing.listedAt
      ? this.now().getTime() - listing.listedAt.getTime()
      : Infinity;
    if (age > cacheTimeMs) {
      void this.refresh(repo);
      return { listing, refreshing: true };
    }
    return { listing, refreshing: this.inFlight.has(key(repo)) };
  }

  /**
   * Lists the repository again in the background if it was listed before
   * (someone looks at it): after a push, its Versions tab shows the new
   * version without waiting for the cache time.
   */
  async changed(repo: RepositoryRef): Promise<void> {
    const listing = await this.options.store.getListing(
      repo.registry,
      repo.repository,
    );
    if (listing) void this.refresh(repo);
  }

  /** Lists the repository again; failures are stored, not thrown. */
  refresh(repo: RepositoryRef): Promise<void> {
    const k = key(repo);
    const running = this.inFlight.get(k);
    if (running) return running;
    const started = this.list(repo).finally(() => this.inFlight.delete(k));
    this.inFlight.set(k, started);
    return started;
  }

  private async list(repo: RepositoryRef): Promise<void> {
    const { store, registry, logger } = this.options;
    const adapters = registry.adaptersFor(repo.registry);
    const previous = await store.getListing(repo.registry, repo.repository);
    let lastError: Error | undefined;
    for (const adapter of adapters) {
      try {
        const tags = await this.listAll(adapter, repo);
        const resolved = await this.resolveDigests(repo, tags, previous);
        await store.saveListing(repo.registry, repo.repository, {
          adapter: adapter.id,
          listedAt: this.now(),
          tags: resolved,
        });
        return;
      } catch (e) {
        assertError(e);
        lastError = e;
        // A hub API that fails leaves the OCI adapter to try; the OCI
        // adapter is last, so its failure is the one recorded.
        logger.warn(
          `Listing the tags of ${repo.registry}/${repo.repository} with the ${adapter.id} adapter failed: ${e.message}`,
        );
      }
    }
    await store.saveListingError(repo.registry, repo.repository, {
      adapter: adapters[adapters.length - 1]?.id ?? 'oci',
      error:
        lastError?.message ?? `No registry adapter handles ${repo.registry}`,
      at: this.now(),
    });
  }

  private async listAll(
    adapter: ImageFactoryRegistryAdapter,
    repo: RepositoryRef,
  ): Promise<RegistryTag[]> {
    const tags: RegistryTag[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.registry.listTags(
        adapter,
        { host: repo.registry, repository: repo.repository },
        { cursor, pageSize: PAGE_SIZE },
      );
      tags.push(...page.tags);
      if (tags.length > this.options.maxTags) {
        throw new TooManyTagsError(
          `${repo.registry}/${repo.repository} has more than ${this.options.maxTags} tags (imageFactory.versions.maxTags)`,
        );
      }
      cursor = page.next;
    } while (cursor);
    return tags;
  }

  /**
   * The digest each tag names: from the listing when the adapter gives it,
   * kept from the last listing for tags that never move, else by a HEAD.
   * Attachment tags (cosign, referrers) need none: they are not versions.
   */
  private async resolveDigests(
    repo: RepositoryRef,
    tags: RegistryTag[],
    previous: CachedListing | undefined,
  ): Promise<CachedTag[]> {
    const known = new Map(
      (previous?.tags ?? []).filter(t => t.digest).map(t => [t.tag, t.digest]),
    );
    const resolved = await mapLimit(tags, HEAD_CONCURRENCY, async tag => {
      const base: CachedTag = {
        tag: tag.name,
        ...(tag.updatedAt && { pushedAt: new Date(tag.updatedAt) }),
      };
      if (tag.digest) return { ...base, digest: tag.digest };
      if (parseAttachmentTag(tag.name)) return base;
      const kept = isImmutableTag(tag.name) ? known.get(tag.name) : undefined;
      if (kept) return { ...base, digest: kept };
      try {
        const head = await this.options.registry.headManifest(repo, tag.name);
        return { ...base, digest: head.digest };
      } catch (e) {
        // Deleted between the listing and the HEAD: not a tag any more.
        if (e instanceof ManifestNotFoundError) return undefined;
        throw e;
      }
    });
    return resolved.filter((t): t is CachedTag => !!t);
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }
}

function key(repo: RepositoryRef): string {
  return `${repo.registry}/${repo.repository}`;
}
