import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_PROVIDER_ID,
  IMAGE_FACTORY_API_VERSION,
  ProviderEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { normalizeRegistryHost, ProviderConfig } from '../config';

/**
 * The catalog entity name of a provider: `<kind>-<id>`, e.g. `executor-local-docker`.
 *
 * @public
 */
export function providerEntityName(
  provider: Pick<ProviderConfig, 'kind' | 'id'>,
): string {
  return `${provider.kind}-${provider.id}`;
}

/**
 * The entity reference of a provider's Provider entity:
 * `provider:default/<kind>-<id>`, e.g. `provider:default/executor-local-docker`.
 *
 * @public
 */
export function providerEntityRef(
  provider: Pick<ProviderConfig, 'kind' | 'id'>,
): string {
  return `provider:default/${providerEntityName(provider)}`;
}

/**
 * Builds the Provider entity of a configured provider.
 *
 * @public
 */
export function providerToEntity(
  provider: ProviderConfig,
  owner: string,
): ProviderEntityV1alpha1 {
  const location = 'url:app-config:imageFactory.providers';
  return {
    apiVersion: IMAGE_FACTORY_API_VERSION,
    kind: 'Provider',
    metadata: {
      name: providerEntityName(provider),
      title: `${provider.id} (${provider.implementation} ${provider.kind})`,
      description: `The ${provider.implementation} ${provider.kind} '${provider.id}' configured under imageFactory.providers.`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_IMAGE_FACTORY_PROVIDER_ID]: provider.id,
      },
    },
    spec: {
      type: provider.kind,
      implementation: provider.implementation,
      endpoint: provider.endpoint,
      owner,
      ...(provider.kind === 'executor'
        ? {
            capabilities: {
              platforms: provider.platforms ?? [],
              emulatedPlatforms: provider.emulatedPlatforms ?? [],
              ...(provider.concurrency !== undefined
                ? { concurrency: provider.concurrency }
                : {}),
            },
          }
        : {}),
    },
  };
}

/**
 * Finds the registry provider that serves a given registry host (`docker.io`,
 * `localhost:5000`), if one is configured.
 *
 * @public
 */
export function findRegistryProvider(
  providers: ProviderConfig[],
  registryHost: string,
): ProviderConfig | undefined {
  return providers.find(
    p =>
      p.kind === 'registry' &&
      // Normalise the configured host the same way image references are (index.docker.io → docker.io).
      (normalizeRegistryHost(p.endpoint) ?? p.endpoint) === registryHost,
  );
}
