import { screen } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { ImageFactoryStatus } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { emptyStatus } from '../../__fixtures__/status';
import { ProviderHealthCard } from './ProviderHealthCard';

const providerEntity = (name: string): Entity => ({
  apiVersion: 'imagefactory.dev/v1alpha1',
  kind: 'Provider',
  metadata: { name, namespace: 'default' },
  spec: {},
});

const status: ImageFactoryStatus = {
  ...emptyStatus,
  providers: [
    {
      id: 'local-docker',
      type: 'executor',
      implementation: 'docker',
      endpoint: 'unix:///var/run/docker.sock',
      entityRef: 'provider:default/executor-local-docker',
      health: {
        id: 'local-docker',
        type: 'executor',
        state: 'ok',
        message: 'Docker 20.10.24 (linux/amd64)',
        checkedAt: '2026-11-23T10:00:00.000Z',
        builder: {
          builder: 'buildkit',
          dockerfileFrontend: '1.2',
          description: 'Docker 20.10.24 BuildKit (Dockerfile frontend 1.2)',
        },
      },
      capabilities: {
        platforms: ['linux/amd64', 'linux/s390x'],
        emulated: ['linux/s390x'],
      },
    },
    {
      id: 'old-docker',
      type: 'executor',
      implementation: 'docker',
      endpoint: 'tcp://old-docker:2375',
      entityRef: 'provider:default/executor-old-docker',
      health: {
        id: 'old-docker',
        type: 'executor',
        state: 'ok',
        message: 'Docker 20.10.24 (linux/arm64)',
        checkedAt: '2026-11-23T10:00:00.000Z',
        builder: {
          builder: 'classic',
          description: 'Docker 20.10.24 classic builder',
        },
      },
    },
    {
      id: 'local',
      type: 'registry',
      implementation: 'oci',
      endpoint: 'localhost:5000',
      entityRef: 'provider:default/registry-local',
      health: {
        id: 'local',
        type: 'registry',
        state: 'unreachable',
        message: 'localhost:5000 did not answer (ECONNREFUSED)',
        checkedAt: '2026-11-23T10:00:00.000Z',
      },
    },
  ],
};

async function renderCard(entity: Entity) {
  await renderInTestApp(
    <TestApiProvider
      apis={[[imageFactoryApiRef, new InMemoryImageFactoryApi(status)]]}
    >
      <EntityProvider entity={entity}>
        <ProviderHealthCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('ProviderHealthCard', () => {
  it('shows an executor as healthy with its emulated platforms', async () => {
    await renderCard(providerEntity('executor-local-docker'));
    expect(await screen.findByText('OK')).toBeInTheDocument();
    expect(
      screen.getByText('Docker 20.10.24 (linux/amd64)'),
    ).toBeInTheDocument();
    expect(screen.getByText('linux/amd64')).toBeInTheDocument();
    expect(screen.getByText('linux/s390x (QEMU)')).toBeInTheDocument();
    expect(screen.getByText('Builder')).toBeInTheDocument();
    expect(
      screen.getByText('BuildKit (Dockerfile frontend 1.2)'),
    ).toHaveAttribute(
      'title',
      'Docker 20.10.24 BuildKit (Dockerfile frontend 1.2)',
    );
  });

  it('names the classic builder of an executor without BuildKit', async () => {
    await renderCard(providerEntity('executor-old-docker'));
    expect(await screen.findByText('classic builder')).toBeInTheDocument();
  });

  it('shows no builder for a registry', async () => {
    await renderCard(providerEntity('registry-local'));
    expect(await screen.findByText('Unreachable')).toBeInTheDocument();
    expect(screen.queryByText('Builder')).toBeNull();
  });

  it('says why a registry is unreachable', async () => {
    await renderCard(providerEntity('registry-local'));
    expect(await screen.findByText('Unreachable')).toBeInTheDocument();
    expect(
      screen.getByText('localhost:5000 did not answer (ECONNREFUSED)'),
    ).toBeInTheDocument();
  });

  it('names a Provider entity the factory does not know', async () => {
    await renderCard(providerEntity('registry-gone'));
    expect(
      await screen.findByText(
        "The factory's configuration has no provider for provider:default/registry-gone.",
      ),
    ).toBeInTheDocument();
  });
});
