import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { mapLimit } from '../../builds/mapLimit';
import { VersionCacheStore } from '../../database';
import { RepositoryRef } from '../../registry';
import { VersionRegistry } from '../VersionRegistry';
import { readVersionDetails } from './readVersionDetails';
import { VersionDetails } from './types';

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
        return await readVersionDetails(
          this.options.registry,
          repo,
          digest,
          options.signal,
        );
      } catch (e) {
        assertError(e);
        error ??= e;
        return undefined;
      }
    });
    const fresh = fetched.filter((d): d is VersionDetails => !!d);
    for (const d of fresh) details.set(d.digest, d);
    await this.options.store.saveDetails(
      fresh.map(d => ({ digest: d.digest, details: JSON.stringify(d) })),
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
