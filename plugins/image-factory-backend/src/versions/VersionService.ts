import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError, InputError, NotFoundError } from '@backstage/errors';
import {
  BuildRun,
  ImageVersion,
  ImageVersionComparison,
  ImageVersionList,
  ImageVersionListQuery,
  ImageVersionSource,
} from '@image-factory/plugin-image-factory-common';
import { ImageFactoryRegistryAdapter } from '@image-factory/plugin-image-factory-node';
import { CachedListing } from '../database';
import { RepositoryRef } from '../registry';
import { BaseFacts, basesOf, lineageOf, runsByDigest } from './buildProvenance';
import { compareVersions } from './compareVersions';
import { DetailsCache } from './details/DetailsCache';
import { VersionDetails } from './details/types';
import { groupVersions, VersionEntry } from './groupVersions';
import {
  decodeCursor,
  encodeCursor,
  newestVersion,
  queryVersions,
} from './queryVersions';
import { readAttachments } from './readAttachments';
import { RepositoryListings } from './RepositoryListings';
import { toImageVersion } from './toImageVersion';
import { fillWebUrl } from './fillWebUrl';
import { VersionTarget } from './types';
import { VersionRegistry } from './VersionRegistry';

const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

/** Checks a digest from a request, naming the field. */
export function assertDigest(field: string, value: unknown): string {
  if (typeof value !== 'string' || !DIGEST.test(value)) {
    throw new InputError(
      `${field}: must be a digest such as sha256:<64 hex characters>, got '${String(
        value ?? '',
      ).slice(0, 80)}'`,
    );
  }
  return value;
}

/**
 * The versions of an image: the registry's tags grouped by digest (cached,
 * listed again in the background after the cache time), each with its
 * platforms and sizes (cached by digest), the run that built it and the
 * bases it was built FROM (from the ledger), paged, sorted and filtered.
 */
export class VersionService {
  private readonly prefetching = new Set<string>();

  constructor(
    private readonly options: {
      listings: RepositoryListings;
      details: DetailsCache;
      registry: VersionRegistry;
      /** The ledger's runs of a managed image, newest first. */
      runs: (imageName: string) => Promise<BuildRun[]>;
      /** What the factory knows of base references (canonical form). */
      baseFacts: (references: string[]) => Promise<Map<string, BaseFacts>>;
      cacheTimeMs: number;
      /** URL templates of registries' web pages, by host (config). */
      webUrls?: Map<string, string>;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {}

  async list(
    target: VersionTarget,
    query: ImageVersionListQuery,
  ): Promise<ImageVersionList> {
    const offset = decodeCursor(query.cursor);
    const { listing, refreshing } = await this.options.listings.read(target);
    const tags = listing?.tags ?? [];
    const digests = [
      ...new Set(tags.flatMap(t => (t.digest ? [t.digest] : []))),
    ];
    // Date order needs every version's date: the first such list reads them all.
    const { details, error } = await this.options.details.get(target, digests, {
      fetchMissing: query.sort === 'date',
    });
    let detailsError = error;

    let entries = groupVersions(tags, details);
    let sorted = queryVersions(entries, details, query);
    let page = sorted.slice(offset, offset + query.limit);
    // Two rounds: a page's indexes, once read, fold their platforms' own tags.
    for (let round = 0; round < 2; round++) {
      const missing = page.map(e => e.digest).filter(d => !details.has(d));
      if (missing.length === 0) break;
      const fetched = await this.options.details.get(target, missing, {
        fetchMissing: true,
      });
      fetched.details.forEach((d, k) => details.set(k, d));
      detailsError ??= fetched.error;
      entries = groupVersions(tags, details);
      sorted = queryVersions(entries, details, query);
      page = sorted.slice(offset, offset + query.limit);
    }
    this.prefetch(target, digests, details);

    const items = await this.present(target, page, details);
    const newest = newestVersion(entries, details);
    const next = offset + query.limit;
    return {
      items,
      ...(next < sorted.length && { nextCursor: encodeCursor(next) }),
      total: sorted.length,
      ...(newest && { newestDigest: newest.digest }),
      source: this.source(target, listing, refreshing, detailsError),
    };
  }

  async get(target: VersionTarget, digest: string): Promise<ImageVersion> {
    assertDigest('digest', digest);
    const { listing } = await this.options.listings.read(target);
    const version = await this.one(target, digest, listing);
    const attachments = await readAttachments(
      this.options.registry,
      target,
      version,
      this.options.logger,
    );
    return { ...version, attachments };
  }

  async compare(
    target: VersionTarget,
    from: string,
    to: string,
  ): Promise<ImageVersionComparison> {
    assertDigest('from', from);
    assertDigest('to', to);
    const { listing } = await this.options.listings.read(target);
    const [a, b] = await Promise.all([
      this.one(target, from, listing),
      this.one(target, to, listing),
    ]);
    const layers = await this.options.details.get(target, [from, to], {
      fetchMissing: false,
    });
    return compareVersions(a, b, layers.details);
  }

  /** A push to the repository (a build, a registry notification): list it again soon. */
  async repositoryChanged(repo: RepositoryRef): Promise<void> {
    await this.options.listings.changed(repo);
  }

  /** Lists the repository again now, and says how that went. */
  async refresh(target: VersionTarget): Promise<ImageVersionSource> {
    await this.options.listings.refresh(target);
    const { listing, refreshing } = await this.options.listings.read(target);
    return this.source(target, listing, refreshing);
  }

  /** One version with its details, which must be readable. */
  private async one(
    target: VersionTarget,
    digest: string,
    listing: CachedListing | undefined,
  ): Promise<ImageVersion> {
    const tags = listing?.tags ?? [];
    const { details, error } = await this.options.details.get(
      target,
      [digest, ...tags.flatMap(t => (t.digest ? [t.digest] : []))],
      { fetchMissing: false },
    );
    if (!details.has(digest)) {
      const fetched = await this.options.details.get(target, [digest], {
        fetchMissing: true,
      });
      const found = fetched.details.get(digest);
      if (!found) {
        const cause = fetched.error ?? error;
        if (cause?.name === 'ManifestNotFoundError' || !cause) {
          throw new NotFoundError(
            `${target.registry}/${target.repository} has no version ${digest}`,
          );
        }
        throw cause;
      }
      details.set(digest, found);
    }
    const entry = groupVersions(tags, details).find(
      e => e.digest === digest,
    ) ?? {
      digest,
      tags: [],
      platformTags: new Map(),
      attachments: [],
    };
    const [version] = await this.present(target, [entry], details);
    return version;
  }

  private async present(
    target: VersionTarget,
    page: VersionEntry[],
    details: Map<string, VersionDetails>,
  ): Promise<ImageVersion[]> {
    const runs = target.managed
      ? runsByDigest(await this.options.runs(target.imageName))
      : new Map<string, BuildRun>();
    const pageRuns = page.flatMap(e => runs.get(e.digest) ?? []);
    const facts = await this.options.baseFacts(basesOf(pageRuns));
    // A hub's page is right even when its API did not list (OCI did).
    const adapter = this.options.registry
      .adaptersFor(target.registry)
      .find(a => a.webUrl);
    return page.map(entry => {
      const run = runs.get(entry.digest);
      return toImageVersion({
        target,
        entry,
        details: details.get(entry.digest),
        run,
        lineage: run && lineageOf(run, r => facts.get(r) ?? {}),
        webUrl: this.webUrl(target, adapter),
      });
    });
  }

  /** The registry's web page: the configured template, else the adapter's. */
  private webUrl(
    target: VersionTarget,
    adapter: ImageFactoryRegistryAdapter | undefined,
  ): ((tag?: string) => string | undefined) | undefined {
    const template = this.options.webUrls?.get(target.registry);
    if (template) return tag => fillWebUrl(template, target.repository, tag);
    const repo = { host: target.registry, repository: target.repository };
    return adapter?.webUrl && (tag => adapter.webUrl!(repo, tag));
  }

  private source(
    target: VersionTarget,
    listing: CachedListing | undefined,
    refreshing: boolean,
    detailsError?: Error,
  ): ImageVersionSource {
    const now = (this.options.clock ?? (() => new Date()))().getTime();
    const base = {
      adapter: listing?.adapter ?? 'oci',
      registry: target.registry,
      repository: target.repository,
      ...(listing?.listedAt && { listedAt: listing.listedAt.toISOString() }),
    };
    if (listing?.failingSince) {
      return {
        ...base,
        state: 'unreachable',
        unreachableSince: listing.failingSince.toISOString(),
        ...(listing.lastError && { error: listing.lastError }),
      };
    }
    const stale =
      refreshing ||
      !listing?.listedAt ||
      now - listing.listedAt.getTime() > this.options.cacheTimeMs;
    return {
      ...base,
      state: stale ? 'stale' : 'fresh',
      ...(detailsError && {
        error: `Some versions show tags only: ${detailsError.message}`,
      }),
    };
  }

  /** Reads the other versions' details in the background, for date order and folding. */
  private prefetch(
    target: VersionTarget,
    digests: string[],
    details: Map<string, VersionDetails>,
  ): void {
    const missing = digests.filter(d => !details.has(d));
    const key = `${target.registry}/${target.repository}`;
    if (missing.length === 0 || this.prefetching.has(key)) return;
    this.prefetching.add(key);
    void this.options.details
      .get(target, missing, { fetchMissing: true })
      .finally(() => this.prefetching.delete(key))
      .catch(e => {
        assertError(e);
        this.options.logger.warn(
          `Reading versions of ${target.registry}/${target.repository} in the background failed: ${e.message}`,
        );
      });
  }
}
