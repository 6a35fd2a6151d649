import type { ImagesFileIssue } from '../imagesFile';

/**
 * The state of the `images.yaml` source as the backend last read it.
 *
 * @public
 */
export interface ImagesFileStatus {
  /** Where the file is read from (path or URL). */
  location: string;
  /** When the last read finished (ISO 8601), or undefined before the first read. */
  lastReadAt?: string;
  /** True when the last read found no problem at all. */
  ok: boolean;
  /** Number of valid entries served to the catalog. */
  imageCount: number;
  /** Every problem found, each naming the entry and field. */
  issues: ImagesFileIssue[];
  /**
   * Set when the file could not be read or parsed at all; then the previous
   * valid entries stay in use.
   */
  error?: string;
}

/**
 * A provider (executor, registry, source host) as configured.
 *
 * @public
 */
export interface ProviderStatus {
  id: string;
  type: 'executor' | 'registry' | 'source';
  implementation: string;
  endpoint: string;
  /** Catalog entity reference of the Provider entity. */
  entityRef: string;
  platforms?: string[];
}

/**
 * Response of `GET /api/image-factory/status`.
 *
 * @public
 */
export interface ImageFactoryStatus {
  imagesFile: ImagesFileStatus;
  providers: ProviderStatus[];
}

/**
 * Response of `GET /api/image-factory/health`.
 *
 * @public
 */
export interface HealthResponse {
  status: 'ok';
}
