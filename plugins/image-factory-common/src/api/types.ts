import type { ImagesFileIssue } from '../imagesFile';
import type { ProviderBuilder, ProviderHealth } from './providerHealth';

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
  /**
   * The last health check (`GET /providers/health`, cached about 30 seconds);
   * absent when the backend does not check providers.
   */
  health?: ProviderHealth;
  /**
   * For a reachable executor: what its engine reports it can build, natively
   * (`platforms[0]`) and through QEMU emulation.
   */
  capabilities?: {
    /** Every platform it can build, the native one first. */
    platforms: string[];
    /** The subset of `platforms` built through emulation. */
    emulated: string[];
    /** The builder its builds use (BuildKit or the classic builder), when known. */
    builder?: ProviderBuilder;
  };
}

/**
 * A base or external image the factory watches for new digests.
 *
 * @public
 */
export interface WatchedImageStatus {
  /** The reference polled, with its tag made explicit (`…:latest` when none). */
  reference: string;
  /** Entity refs of the Image entities with this reference. */
  usedBy: string[];
  /**
   * Entity ref of the Image the factory itself builds and pushes to this
   * reference (a base image with a source), if any: until its first build the
   * reference does not exist yet, which is expected.
   */
  builtBy?: string;
  /** The current digest, once a check has succeeded. */
  digest?: string;
  /**
   * When the factory first saw the current digest (ISO 8601), that is when the
   * reference last changed; rebuild delays count from here.
   */
  firstSeenAt?: string;
  /**
   * When the factory first saw any digest of this reference (ISO 8601); absent
   * until a check has succeeded.
   */
  watchedSince?: string;
  /**
   * The newest digests of the manifest or index, up to five, most recently
   * seen first: the current digest leads, then the ones it replaced. A digest
   * that comes back keeps its `firstSeenAt`.
   */
  history?: Array<{
    digest: string;
    /** When the factory first saw this digest (ISO 8601). */
    firstSeenAt: string;
    /** When a check last saw this digest (ISO 8601). */
    lastSeenAt: string;
  }>;
  /** Each platform's child digest, when the reference is an image index. */
  platforms?: Array<{ platform: string; digest: string }>;
  /** When the last check ran (ISO 8601). */
  lastCheckedAt?: string;
  /** When the next check is due (ISO 8601); absent until the first scheduled run. */
  nextCheckAt?: string;
  /** Why the last check failed (`ErrorName: message`); absent after a success. */
  lastError?: string;
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
  /** Base-image tracking; absent when tracking is disabled. */
  tracking?: {
    /** How often each reference is checked, in milliseconds. */
    intervalMs: number;
    references: WatchedImageStatus[];
  };
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
