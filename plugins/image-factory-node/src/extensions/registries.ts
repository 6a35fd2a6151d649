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
 * Lets backend modules add registry credential providers.
 *
 * @public
 */
export interface ImageFactoryRegistriesExtensionPoint {
  /** Adds one or more credential providers. */
  addCredentialProvider(...providers: ImageFactoryCredentialProvider[]): void;
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
