import { UrlReaderService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { createHash } from 'crypto';
import {
  ImageEntityV1alpha1,
  imageEntryToEntity,
  ImagesFileIssue,
  parseImageRef,
  parseImagesFile,
} from '@image-factory/plugin-image-factory-common';
import { ProviderConfig } from '../config';
import { loadImagesFile, resolveImagesLocation } from './loadImagesFile';
import { findRegistryProvider, providerEntityRef } from './providerEntities';

/**
 * What one read of `images.yaml` produced.
 *
 * @public
 */
export interface ImageEntitiesReadResult {
  /** The absolute path or URL that was read. */
  location: string;
  /** One Image entity per valid entry. */
  entities: ImageEntityV1alpha1[];
  /** Every problem found, each naming the entry and field. */
  issues: ImagesFileIssue[];
  /**
   * `sha256:<hex>` of the content that was read; absent when nothing could be
   * read. Two reads of the same content have the same revision.
   */
  revision?: string;
  /**
   * Set when the file as a whole could not be read or parsed. Callers keep their
   * previous entities instead of treating the file as empty.
   */
  error?: string;
}

/**
 * Reads `images.yaml` and turns its valid entries into Image entities. Never
 * throws for a bad file: problems come back in `issues` and `error`. Given
 * the previous result, content of the same revision is not parsed again: that
 * result comes back as it is (the same object), so a read that finds nothing
 * new costs the read and a hash, not 10,000 entries.
 *
 * @public
 */
export async function readImageEntities(options: {
  location: string;
  urlReader: UrlReaderService;
  providers: ProviderConfig[];
  /** The last result, from the same location and providers. */
  previous?: ImageEntitiesReadResult;
}): Promise<ImageEntitiesReadResult> {
  let loaded;
  try {
    loaded = await loadImagesFile(options.location, options.urlReader);
  } catch (e) {
    assertError(e);
    // The same location as a successful read reports, so that callers can key on it.
    const location = resolveImagesLocation(options.location);
    const error = e.message.includes(location)
      ? e.message
      : `could not read ${location}: ${e.message}`;
    return { location, entities: [], issues: [], error };
  }
  const revision = `sha256:${createHash('sha256')
    .update(loaded.text)
    .digest('hex')}`;
  const { previous } = options;
  if (
    previous?.revision === revision &&
    previous.location === loaded.location
  ) {
    return previous;
  }
  const parsed = parseImagesFile(loaded.text);
  const entities = parsed.images.map((entry, i) => {
    const registry = findRegistryProvider(
      options.providers,
      parseImageRef(entry.reference).registry,
    );
    return imageEntryToEntity(entry, {
      location: loaded.location,
      index: parsed.entryIndexes[i],
      providedBy: registry ? providerEntityRef(registry) : undefined,
    });
  });
  return {
    location: loaded.location,
    entities,
    issues: parsed.issues,
    revision,
    ...(parsed.fatal
      ? {
          error: `${loaded.location} could not be parsed: ${parsed.issues[0]?.message}`,
        }
      : {}),
  };
}
