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
  /** The key under `imageFactory.providers.<type>s` (`executors`, `registries`, `sources`). */
  id: string;
  /** What the provider is for: running builds, storing images, or hosting sources. */
  type: 'executor' | 'registry' | 'source';
  /** executor: docker; registry: oci, ghcr, dockerhub; source: github. */
  implementation: string;
  /** Docker host URL, registry host, or source host. */
  endpoint: string;
  /** Catalog entity reference of the Provider entity. */
  entityRef: string;
  /** For an executor: the platforms it builds, natively or emulated. Absent for other types. */
  platforms?: string[];
}

/**
 * Response of `GET /api/image-factory/status`.
 *
 * @public
 */
export interface ImageFactoryStatus {
  /** The state of the `images.yaml` source. */
  imagesFile: ImagesFileStatus;
  /** Every configured provider, including the defaults used when none is configured. */
  providers: ProviderStatus[];
}

/**
 * Response of `GET /api/image-factory/health`.
 *
 * @public
 */
export interface HealthResponse {
  /** Always `ok`: the backend plugin is up and answering. */
  status: 'ok';
}
