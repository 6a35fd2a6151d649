import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { mapLimit } from '../../builds/mapLimit';
import { VersionCacheStore } from '../../database';
import { RepositoryRef } from '../../registry';
import { VersionRegistry } from '../VersionRegistry';
import { readVersionDetails } from './readVersionDetails';
import { PlatformDetails, VersionDetails } from './types';

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

/** How many digests are read from a registry at once. */
const CONCURRENCY = 6;

/**
 * Details by digest: from the database when fetched before (they never
 * change), else from the registry, then stored. A digest that cannot be
 * read now is left out (the caller shows it as partial) and tried again on
 * the next call.
 */
export class DetailsCache {
  constructor(
    private readonly options: {
      store: VersionCacheStore;
      registry: VersionRegistry;
      maxEntries: number;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {}

  /** Platforms stored as details of their own, by digest. */
  private async knownPlatforms(
    digests: string[],
  ): Promise<Map<string, PlatformDetails>> {
    const stored = await this.options.store.getDetails(digests);
    const found = new Map<string, PlatformDetails>();
    for (const [digest, json] of stored) {
      const platform = (JSON.parse(json) as VersionDetails).platforms.find(
        p => p.digest === digest,
      );
      if (platform) found.set(digest, platform);
    }
    return found;
  }

  /** The details of each digest that is cached or can be read now. */
  async get(
    repo: RepositoryRef,
    digests: string[],
    options: { fetchMissing: boolean; signal?: AbortSignal },
  ): Promise<{ details: Map<string, VersionDetails>; error?: Error }> {
    const stored = await this.options.store.getDetails(digests);
    const details = new Map<string, VersionDetails>();
    for (const [digest, json] of stored) {
      details.set(digest, JSON.parse(json) as VersionDetails);
    }
    const missing = [...new Set(digests)].filter(d => !details.has(d));
    if (!options.fetchMissing || missing.length === 0) return { details };

    let error: Error | undefined;
    const fetched = await mapLimit(missing, CONCURRENCY, async digest => {
      // After the first failure (budget spent, registry down), stop asking.
      if (error) return undefined;
      try {
        return await readVersionDetails(this.options.registry, repo, digest, {
          signal: options.signal,
          knownPlatforms: digests => this.knownPlatforms(digests),
        });
      } catch (e) {
        assertError(e);
        error ??= e;
        return undefined;
      }
    });
    const fresh = fetched.filter((d): d is VersionDetails => !!d);
    for (const d of fresh) details.set(d.digest, d);
    // Each platform is stored under its own digest too: another index with
    // the same platform manifest (a retag, a rebuild that reused it) needs
    // no request for it.
    const platformsAlone = fresh.flatMap(d =>
      d.platforms
        .filter(p => p.digest !== d.digest)
        .map(p => singlePlatform(p)),
    );
    await this.options.store.saveDetails(
      [...fresh, ...platformsAlone].map(d => ({
        digest: d.digest,
        details: JSON.stringify(d),
      })),
      (this.options.clock ?? (() => new Date()))(),
      this.options.maxEntries,
    );
    if (error) {
      this.options.logger.warn(
        `Could not read ${missing.length - fresh.length} version(s) of ${
          repo.registry
        }/${repo.repository}: ${error.message}`,
      );
    }
    return { details, ...(error && { error }) };
  }
}
