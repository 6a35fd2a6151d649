import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * Credentials for one registry request; never logged or returned by the API.
 *
 * @public
 */
export type RegistryCredentials =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

/**
 * Supplies registry credentials, e.g. short-lived tokens from a cloud provider.
 * `refresh` is called once after an authentication failure.
 *
 * @public
 */
export interface ImageFactoryCredentialProvider {
  /** True when this provider has credentials for the registry host. */
  handles(registryHost: string): boolean;
  /** The credentials to use for the registry host, or undefined when there are none. */
  getCredentials(
    registryHost: string,
  ): Promise<RegistryCredentials | undefined>;
  /** Renews the credentials for the registry host after the registry rejected them. */
  refresh?(registryHost: string): Promise<void>;
}

/**
 * A repository in a registry, as written in image references.
 *
 * @public
 */
export interface RegistryRepository {
  /** The host as written in image references (`docker.io`, `ghcr.io`, `localhost:5000`). */
  host: string;
  /** The repository path (`library/debian`, `org/app`). */
  repository: string;
}

/**
 * One tag as a registry lists it. The OCI API gives the name only; hub APIs
 * add the digest and dates, which save a request per tag.
 *
 * @public
 */
export interface RegistryTag {
  /** The tag (`1.2.3`, `latest`). */
  name: string;
  /** Digest of the manifest or index the tag names, when the listing says. */
  digest?: string;
  /** When the tag was last pushed (ISO 8601), when the listing says. */
  updatedAt?: string;
}

/**
 * One page of a tag listing.
 *
 * @public
 */
export interface RegistryTagPage {
  /** The page's tags, in the registry's order. */
  tags: RegistryTag[];
  /** Opaque: pass back as `cursor` for the next page; absent on the last page. */
  next?: string;
}

/**
 * What the factory lends an adapter for its requests: every request goes
 * through the registry host's request budget and timeout.
 *
 * @public
 */
export interface RegistryAdapterContext {
  /**
   * Sends one request, counted in the budget of `budgetHost` (default: the
   * repository's host); rejects when the budget is spent or the request times out.
   */
  fetch(
    url: string,
    init?: RequestInit & { budgetHost?: string },
  ): Promise<Response>;
  /** The credentials configured for a host (provider config and credential providers). */
  credentials(host: string): Promise<RegistryCredentials | undefined>;
  /** Aborts the listing (shutdown, request gone). */
  signal?: AbortSignal;
}

/**
 * Lists an image repository's tags for the Versions view. The factory's
 * generic OCI Distribution adapter (`oci`) serves every registry;
 * an adapter added here serves the hosts it `handles` and adds what a hub's
 * own API gives beyond OCI (tag digests and dates, web pages). Manifests,
 * image configs and referrers are always read through the OCI API.
 *
 * @public
 */
export interface ImageFactoryRegistryAdapter {
  /** Stable id, shown with the versions it listed (`docker-hub`, `ghcr`). */
  id: string;
  /** True when the adapter serves this host. */
  handles(host: string): boolean;
  /** One page of tags, from `cursor` (absent: the first page). */
  listTags(
    repository: RegistryRepository,
    options: { cursor?: string; pageSize: number },
    context: RegistryAdapterContext,
  ): Promise<RegistryTagPage>;
  /** The registry's web page of the repository, or of one tag of it. */
  webUrl?(repository: RegistryRepository, tag?: string): string | undefined;
}

/**
 * Lets backend modules add registry credential providers and registry adapters.
 *
 * @public
 */
export interface ImageFactoryRegistriesExtensionPoint {
  /** Adds one or more credential providers. */
  addCredentialProvider(...providers: ImageFactoryCredentialProvider[]): void;
  /**
   * Adds one or more registry adapters; the first added that handles a host
   * wins over the built-in ones (Docker Hub, GHCR) and the generic OCI adapter.
   */
  addRegistryAdapter(...adapters: ImageFactoryRegistryAdapter[]): void;
}

/**
 * Extension point for registries, id `image-factory.registries`.
 *
 * @public
 */
export const imageFactoryRegistriesExtensionPoint =
  createExtensionPoint<ImageFactoryRegistriesExtensionPoint>({
    id: 'image-factory.registries',
  });
