import { Knex } from 'knex';
import { toDate } from './timestamps';

/** One tag of a repository listing. */
export interface CachedTag {
  tag: string;
  /** What the tag named when listed; absent for attachment tags. */
  digest?: string;
  /** When the tag was pushed, when the registry said. */
  pushedAt?: Date;
}

/** The last listing of a repository. */
export interface CachedListing {
  adapter: string;
  /** When the tags were last listed successfully; absent: never. */
  listedAt?: Date;
  /** First failure since the last success, while listings fail. */
  failingSince?: Date;
  lastError?: string;
  tags: CachedTag[];
}

type ListingRow = {
  registry: string;
  repository: string;
  adapter: string;
  listed_at: string | number | Date | null;
  failing_since: string | number | Date | null;
  last_error: string | null;
};

type TagRow = {
  registry: string;
  repository: string;
  tag: string;
  digest: string | null;
  pushed_at: string | number | Date | null;
};

// Stays under SQLite's bound-variable limit (5 columns a row).
const INSERT_CHUNK = 150;
const SELECT_CHUNK = 500;

/**
 * The cache of the Versions view: each repository's last tag listing, and
 * the details of manifests and indexes by digest (immutable, kept until the
 * bound evicts the oldest). Details are stored as the JSON the versions
 * module writes; this store does not read them.
 */
export class VersionCacheStore {
  static create(options: { client: Knex }): VersionCacheStore {
    return new VersionCacheStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async getListing(
    registry: string,
    repository: string,
  ): Promise<CachedListing | undefined> {
    const row = await this.db<ListingRow>('version_listings')
      .where({ registry, repository })
      .first();
    if (!row) return undefined;
    const tags = await this.db<TagRow>('version_tags')
      .where({ registry, repository })
      .orderBy('tag');
    return {
      adapter: row.adapter,
      ...(row.listed_at && { listedAt: toDate(row.listed_at) }),
      ...(row.failing_since && { failingSince: toDate(row.failing_since) }),
      ...(row.last_error && { lastError: row.last_error }),
      tags: tags.map(t => ({
        tag: t.tag,
        ...(t.digest && { digest: t.digest }),
        ...(t.pushed_at && { pushedAt: toDate(t.pushed_at) }),
      })),
    };
  }

  /** Replaces the repository's tags with a successful listing's. */
  async saveListing(
    registry: string,
    repository: string,
    listing: { adapter: string; listedAt: Date; tags: CachedTag[] },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('version_tags').where({ registry, repository }).delete();
      const rows: TagRow[] = listing.tags.map(t => ({
        registry,
        repository,
        tag: t.tag,
        digest: t.digest ?? null,
        pushed_at: t.pushedAt ?? null,
      }));
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx('version_tags').insert(rows.slice(i, i + INSERT_CHUNK));
      }
      await tx('version_listings')
        .insert({
          registry,
          repository,
          adapter: listing.adapter,
          listed_at: listing.listedAt,
          failing_since: null,
          last_error: null,
        })
        .onConflict(['registry', 'repository'])
        .merge();
    });
  }

  /** Notes a failed listing; the tags of the last success stay. */
  async saveListingError(
    registry: string,
    repository: string,
    failure: { adapter: string; error: string; at: Date },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx<ListingRow>('version_listings')
        .where({ registry, repository })
        .first();
      const failingSince = row?.failing_since ?? failure.at;
      await tx('version_listings')
        .insert({
          registry,
          repository,
          adapter: row?.adapter ?? failure.adapter,
          listed_at: row?.listed_at ?? null,
          failing_since: failingSince,
          last_error: failure.error,
        })
        .onConflict(['registry', 'repository'])
        .merge();
    });
  }

  /** The stored details JSON of each digest there is. */
  async getDetails(digests: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unique = [...new Set(digests)];
    for (let i = 0; i < unique.length; i += SELECT_CHUNK) {
      const rows = await this.db<{ digest: string; details: string }>(
        'version_details',
      )
        .whereIn('digest', unique.slice(i, i + SELECT_CHUNK))
        .select('digest', 'details');
      for (const row of rows) found.set(row.digest, row.details);
    }
    return found;
  }

  /**
   * Keeps the details of digests, then evicts the oldest fetched beyond
   * `maxEntries` (details are immutable: an evicted one is fetched again).
   */
  async saveDetails(
    entries: Array<{ digest: string; details: string }>,
    now: Date,
    maxEntries: number,
  ): Promise<void> {
    if (entries.length === 0) return;
    for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
      await this.db('version_details')
        .insert(
          entries
            .slice(i, i + INSERT_CHUNK)
            .map(e => ({ ...e, fetched_at: now })),
        )
        .onConflict('digest')
        .ignore();
    }
    const [{ count }] = await this.db('version_details').count({
      count: '*',
    });
    const excess = Number(count) - maxEntries;
    if (excess > 0) {
      const oldest = this.db('version_details')
        .select('digest')
        .orderBy('fetched_at')
        .limit(excess);
      await this.db('version_details').whereIn('digest', oldest).delete();
    }
  }
}
