import { ConfigReader } from '@backstage/config';
import {
  ANNOTATION_IMAGE_FACTORY_PROVIDER_ID,
  providerEntityV1alpha1Validator,
} from '@image-factory/plugin-image-factory-common';
import { ProviderConfig, readProvidersConfig } from '../config';
import {
  findRegistryProvider,
  providerEntityName,
  providerEntityRef,
  providerToEntity,
} from './providerEntities';

const appConfigProviders = readProvidersConfig(
  new ConfigReader({
    imageFactory: {
      providers: {
        executors: {
          'local-docker': {
            platforms: ['linux/amd64', 'linux/s390x'],
            emulatedPlatforms: ['linux/s390x'],
            concurrency: 3,
          },
        },
        registries: {
          local: { type: 'oci', host: 'localhost:5000' },
          hub: { type: 'dockerhub', host: 'index.docker.io' },
        },
      },
    },
  }),
);

describe('providerToEntity', () => {
  it.each(appConfigProviders.map(p => [`${p.kind} ${p.id}`, p] as const))(
    'builds a valid Provider entity for the %s',
    async (_, provider) => {
      const entity = providerToEntity(provider, 'group:default/platform-team');
      await expect(providerEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
      expect(entity.metadata.name).toBe(`${provider.kind}-${provider.id}`);
      expect(
        entity.metadata.annotations?.[ANNOTATION_IMAGE_FACTORY_PROVIDER_ID],
      ).toBe(provider.id);
      expect(entity.spec).toMatchObject({
        type: provider.kind,
        implementation: provider.implementation,
        endpoint: provider.endpoint,
        owner: 'group:default/platform-team',
      });
    },
  );

  it('describes the capabilities of an executor', () => {
    const executor = appConfigProviders.find(p => p.kind === 'executor')!;
    expect(
      providerToEntity(executor, 'group:default/platform-team').spec
        .capabilities,
    ).toEqual({
      platforms: ['linux/amd64', 'linux/s390x'],
      emulatedPlatforms: ['linux/s390x'],
      concurrency: 3,
    });
  });

  it('gives registries and sources no capabilities', () => {
    for (const provider of appConfigProviders.filter(
      p => p.kind !== 'executor',
    )) {
      expect(
        providerToEntity(provider, 'group:default/x').spec.capabilities,
      ).toBeUndefined();
    }
  });

  it('leaves out an unknown concurrency instead of writing undefined', async () => {
    const executor: ProviderConfig = {
      id: 'remote',
      kind: 'executor',
      implementation: 'docker',
      endpoint: 'tcp://builder:2376',
      platforms: ['linux/arm64'],
    };
    const entity = providerToEntity(executor, 'group:default/platform-team');
    expect(entity.spec.capabilities).toEqual({
      platforms: ['linux/arm64'],
      emulatedPlatforms: [],
    });
    expect(Object.keys(entity.spec.capabilities!)).not.toContain('concurrency');
    await expect(providerEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
  });
});

describe('providerEntityName and providerEntityRef', () => {
  it('prefix the id with the kind', () => {
    expect(providerEntityName({ kind: 'registry', id: 'local' })).toBe(
      'registry-local',
    );
    expect(providerEntityRef({ kind: 'executor', id: 'local-docker' })).toBe(
      'provider:default/executor-local-docker',
    );
  });
});

describe('findRegistryProvider', () => {
  it('matches a registry by its host, normalised like image references', () => {
    expect(findRegistryProvider(appConfigProviders, 'localhost:5000')?.id).toBe(
      'local',
    );
    expect(findRegistryProvider(appConfigProviders, 'docker.io')?.id).toBe(
      'hub',
    );
    expect(findRegistryProvider(appConfigProviders, 'ghcr.io')).toBeUndefined();
  });

  it('never matches an executor or a source by its endpoint', () => {
    const providers: ProviderConfig[] = [
      {
        id: 'gh',
        kind: 'source',
        implementation: 'github',
        endpoint: 'ghcr.io',
      },
    ];
    expect(findRegistryProvider(providers, 'ghcr.io')).toBeUndefined();
  });

  it('does not take a bare registry name for docker.io', () => {
    // Built by hand: readProvidersConfig rejects such a host at startup.
    const providers: ProviderConfig[] = [
      {
        id: 'internal',
        kind: 'registry',
        implementation: 'oci',
        endpoint: 'registry',
      },
    ];
    expect(findRegistryProvider(providers, 'docker.io')).toBeUndefined();
    expect(findRegistryProvider(providers, 'registry')?.id).toBe('internal');
  });
});
