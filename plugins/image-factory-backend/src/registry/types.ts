import { ImageRef } from '@image-factory/plugin-image-factory-common';
import { RegistryRateLimit } from './parseRateLimitHeaders';

/** Credentials for one registry host. */
export type RegistryCredentials =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

/**
 * Looks up the credentials for a registry host as written in the image
 * reference (`docker.io`, `ghcr.io`, `localhost:5000`); `undefined` means
 * anonymous access.
 */
export type RegistryCredentialsProvider = (
  host: string,
) => Promise<RegistryCredentials | undefined>;

/** Options of {@link OciRegistryClient.create}. */
export interface OciRegistryClientOptions {
  /** Credentials per registry host. Default: anonymous everywhere. */
  credentials?: RegistryCredentialsProvider;
  /** The fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** The `User-Agent` header. Default `image-factory`. */
  userAgent?: string;
  /**
   * Hosts reached over plain HTTP besides loopback (`localhost`,
   * `127.0.0.1`, `[::1]`), written as `host` or `host:port`.
   */
  insecureHosts?: string[];
  /** The current time, for token expiry and `Retry-After` dates. Default `() => new Date()`. */
  clock?: () => Date;
  /**
   * How long one HTTP request to a registry may take, body included, before
   * it fails with `RegistryTimeoutError` (`imageFactory.registries.requestTimeout`).
   * Default 30 seconds.
   */
  requestTimeoutMs?: number;
}

/** Per call options of the {@link OciRegistryClient} methods. */
export interface RegistryRequestOptions {
  /**
   * Aborts the call's requests; the call then rejects with the signal's
   * reason. The client's request timeout applies either way.
   */
  signal?: AbortSignal;
}

/** A repository in a registry: an image reference without tag or digest. */
export type RepositoryRef = Pick<ImageRef, 'registry' | 'repository'>;

/** What a HEAD of a manifest tells. */
export interface ManifestHead {
  /** `Docker-Content-Digest` of the manifest. */
  digest: string;
  /** Media type of the manifest (`Content-Type`). */
  mediaType: string;
  /** Size of the manifest in bytes (`Content-Length`). */
  size: number;
  /** What the registry's `RateLimit-*` headers said, if it sent any. */
  rateLimit?: RegistryRateLimit;
}

/** A descriptor (image-spec, descriptor.md). */
export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: {
    architecture: string;
    os: string;
    variant?: string;
    'os.version'?: string;
    'os.features'?: string[];
  };
  annotations?: Record<string, string>;
  /** The artifact's type, in referrers lists (distribution-spec v1.1). */
  artifactType?: string;
  [key: string]: unknown;
}

/**
 * The parsed body of a manifest, image index or manifest list. Only checked
 * to be a JSON object: the fields are what a well-formed manifest holds.
 */
export interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  /** Image index / manifest list entries. */
  manifests?: OciDescriptor[];
  /** Image manifest config blob. */
  config?: OciDescriptor;
  /** Image manifest layers. */
  layers?: OciDescriptor[];
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A manifest as read from the registry. */
export interface Manifest {
  /** `sha256:` digest of the raw bytes. */
  digest: string;
  /** Media type of the manifest (`Content-Type`). */
  mediaType: string;
  /** The raw bytes, which the digest covers. */
  bytes: Buffer;
  json: ManifestJson;
  /** What the registry's `RateLimit-*` headers said, if it sent any. */
  rateLimit?: RegistryRateLimit;
}

/** Options of {@link OciRegistryClient.listTags}. */
export interface TagListOptions extends RegistryRequestOptions {
  /** Page size, 1 to 10,000. Default: whatever the registry sends (often every tag). */
  n?: number;
  /** Start after this tag (exclusive), as given by the previous page's `next`. */
  last?: string;
}

/** One page of a repository's tags. */
export interface TagListPage {
  /** Tag names, in the registry's order (lexical, by the spec). */
  tags: string[];
  /** Pass as `last` (and `n`) to get the next page; absent on the last page. */
  next?: { last: string; n?: number };
}

/** Options of {@link OciRegistryClient.listReferrers}. */
export interface ReferrersOptions extends RegistryRequestOptions {
  /** Only referrers of this artifact type (e.g. `application/vnd.dev.sigstore.bundle.v0.3+json`). */
  artifactType?: string;
}

/** The manifests that name a manifest as their `subject`. */
export interface Referrers {
  /** Descriptors with `artifactType` and the referrers' annotations. */
  descriptors: OciDescriptor[];
  /**
   * Where they came from: the registry's referrers API, or the
   * `<alg>-<hex>` tag that clients maintain where the API is missing
   * (distribution-spec v1.1, "Referrers Tag Schema").
   */
  source: 'referrers-api' | 'referrers-tag';
}
