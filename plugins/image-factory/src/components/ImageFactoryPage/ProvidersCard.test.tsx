import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { ProviderStatus } from '@image-factory/plugin-image-factory-common';
import { ProvidersCard } from './ProvidersCard';

const checkedAt = '2026-11-23T10:00:00.000Z';

const providers: ProviderStatus[] = [
  {
    id: 'local-docker',
    type: 'executor',
    implementation: 'docker',
    endpoint: 'unix:///var/run/docker.sock',
    entityRef: 'provider:default/executor-local-docker',
    platforms: ['linux/amd64', 'linux/s390x'],
    health: {
      id: 'local-docker',
      type: 'executor',
      state: 'ok',
      message: 'Docker 20.10.24 (linux/amd64)',
      checkedAt,
    },
    capabilities: {
      platforms: ['linux/amd64', 'linux/s390x'],
      emulated: ['linux/s390x'],
      builder: {
        builder: 'buildkit',
        dockerfileFrontend: '1.2',
        description: 'Docker 20.10.24 BuildKit (Dockerfile frontend 1.2)',
      },
    },
  },
  {
    id: 'old-docker',
    type: 'executor',
    implementation: 'docker',
    endpoint: 'tcp://old-docker:2375',
    entityRef: 'provider:default/executor-old-docker',
    capabilities: {
      platforms: ['linux/arm64'],
      emulated: [],
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
      state: 'invalid-credentials',
      message: 'localhost:5000 refused the configured credentials (401)',
      checkedAt,
    },
  },
  {
    id: 'github',
    type: 'source',
    implementation: 'github',
    endpoint: 'github.com',
    entityRef: 'provider:default/source-github',
  },
];

describe('ProvidersCard', () => {
  it("shows each provider health, which platforms run under QEMU and each executor's builder", async () => {
    await renderInTestApp(<ProvidersCard providers={providers} />, {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    const row = (text: string) => within(screen.getByText(text).closest('tr')!);

    const docker = row('local-docker');
    expect(docker.getByText('OK')).toBeInTheDocument();
    expect(docker.getByText('linux/amd64')).toBeInTheDocument();
    expect(docker.getByText('linux/s390x (QEMU)')).toBeInTheDocument();
    expect(
      row('localhost:5000').getByText('Invalid credentials'),
    ).toBeInTheDocument();
    // Each executor's builder.
    expect(
      docker.getByText('BuildKit (Dockerfile frontend 1.2)'),
    ).toBeInTheDocument();
    expect(row('old-docker').getByText('classic builder')).toBeInTheDocument();
    // Not checked yet: no light, no guess.
    expect(row('github.com').getAllByText('—').length).toBeGreaterThan(0);
  });
});
