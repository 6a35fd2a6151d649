import { screen, within } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  IMAGE_FACTORY_API_VERSION,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { watchedBaseImage } from '../../__fixtures__/images';
import {
  emptyStatus,
  statusWithDigestHistory,
  statusWithTracking,
} from '../../__fixtures__/status';
import { ImageTrackingCard } from './ImageTrackingCard';

const when = (iso: string) => new Date(iso).toLocaleString();

/** A base the catalog module generated from a Dockerfile's FROM line. */
const discoveredNode: ImageEntityV1alpha1 = {
  apiVersion: IMAGE_FACTORY_API_VERSION,
  kind: 'Image',
  metadata: {
    name: 'docker.io-library-node-22',
    annotations: { 'imagefactory.dev/discovered': 'dockerfile' },
  },
  spec: {
    type: 'base',
    owner: 'group:default/platform-team',
    reference: 'node:22',
    registry: 'docker.io',
    repository: 'library/node',
    tag: '22',
    platforms: ['linux/amd64'],
  },
};

const busybox: ImageEntityV1alpha1 = {
  ...watchedBaseImage,
  metadata: { name: 'busybox-base' },
  spec: {
    ...watchedBaseImage.spec,
    reference: 'localhost:5000/base/busybox:stable',
    registry: 'localhost:5000',
    repository: 'base/busybox',
    tag: 'stable',
  },
};

async function renderCard(
  entity: ImageEntityV1alpha1,
  api: InMemoryImageFactoryApi,
) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
      <EntityProvider entity={entity}>
        <ImageTrackingCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const field = (label: string) =>
  within(screen.getByRole('group', { name: label }));

describe('ImageTrackingCard', () => {
  it('shows the digest of a base image, its dates, previous digests and the images built from it', async () => {
    await renderCard(
      watchedBaseImage,
      new InMemoryImageFactoryApi(statusWithDigestHistory),
    );

    expect(
      await screen.findByRole('group', { name: 'Current digest' }),
    ).toHaveTextContent('sha256:aaaaaaaaaaaa…');
    expect(
      field('Current digest').getByRole('button', {
        name: 'Copy current digest',
      }),
    ).toBeInTheDocument();
    expect(field('Platform digests').getByText('linux/amd64')).toBeVisible();
    expect(
      field('Platform digests').getByText('sha256:111111111111…'),
    ).toBeInTheDocument();
    expect(
      field('Platform digests').getByText('sha256:222222222222…'),
    ).toBeInTheDocument();

    expect(
      field('Watched since').getByText(when('2026-10-01T08:00:00.000Z')),
    ).toBeInTheDocument();
    expect(
      field('Last changed').getByText(when('2026-11-20T10:00:00.000Z')),
    ).toBeInTheDocument();
    expect(
      field('Last checked').getByText(when('2026-11-23T10:00:00.000Z')),
    ).toBeInTheDocument();
    expect(
      field('Next check').getByText(when('2026-11-24T10:00:00.000Z')),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'Last check' }),
    ).not.toBeInTheDocument();

    // The current digest leads the history; only the replaced ones are listed.
    const previous = field('Previous digests').getAllByRole('listitem');
    expect(previous.map(item => item.textContent)).toEqual([
      `sha256:bbbbbbbbbbbb…, seen from ${when(
        '2026-11-02T09:00:00.000Z',
      )} to ${when('2026-11-19T10:00:00.000Z')}`,
      `sha256:cccccccccccc…, seen from ${when(
        '2026-10-01T08:00:00.000Z',
      )} to ${when('2026-11-01T10:00:00.000Z')}`,
    ]);

    const dependents = field('Images built from it').getAllByRole('link');
    expect(dependents.map(link => link.getAttribute('href'))).toEqual([
      '/catalog/default/image/hello-web',
      '/catalog/default/image/hello-api',
    ]);
  });

  it('finds a discovered base by its normalised reference', async () => {
    await renderCard(
      discoveredNode,
      new InMemoryImageFactoryApi(statusWithDigestHistory),
    );

    expect(
      await screen.findByRole('group', { name: 'Current digest' }),
    ).toHaveTextContent('sha256:dddddddddddd…');
    expect(
      field('Previous digests').getByText(
        'None: the digest has not changed since the factory first saw it',
      ),
    ).toBeInTheDocument();
    expect(
      field('Images built from it').getByRole('link', { name: /hello-web/ }),
    ).toHaveAttribute('href', '/catalog/default/image/hello-web');
  });

  it('says when tracking is disabled', async () => {
    await renderCard(
      watchedBaseImage,
      new InMemoryImageFactoryApi(emptyStatus),
    );

    expect(
      await screen.findByText('Base-image tracking is off'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Tracking is disabled in app-config \(imageFactory\.tracking\.enabled\)/,
      ),
    ).toBeInTheDocument();
  });

  it('says when the reference is not watched yet', async () => {
    await renderCard(
      watchedBaseImage,
      new InMemoryImageFactoryApi(statusWithTracking),
    );

    expect(await screen.findByText('Not watched yet')).toBeInTheDocument();
  });

  it.each([
    `docker.io/library/alpine@sha256:${'a'.repeat(64)}`,
    `alpine:3.20@sha256:${'a'.repeat(64)}`,
  ])(
    'explains that a reference pinned by digest is not watched: %s',
    async reference => {
      await renderCard(
        { ...watchedBaseImage, spec: { ...watchedBaseImage.spec, reference } },
        new InMemoryImageFactoryApi(statusWithDigestHistory),
      );

      expect(await screen.findByText('Pinned by digest')).toBeInTheDocument();
    },
  );

  it('says when the next check is due before the first one', async () => {
    await renderCard(
      busybox,
      new InMemoryImageFactoryApi(statusWithDigestHistory),
    );

    expect(
      await screen.findByText(
        `Not checked yet — next check ${when('2026-11-23T10:15:00.000Z')}`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'Previous digests' }),
    ).not.toBeInTheDocument();
  });

  it('shows why the last check failed', async () => {
    await renderCard(
      {
        ...watchedBaseImage,
        metadata: { name: 'debian-bookworm' },
        spec: {
          ...watchedBaseImage.spec,
          reference: 'debian:bookworm-slim',
          repository: 'library/debian',
          tag: 'bookworm-slim',
        },
      },
      new InMemoryImageFactoryApi(statusWithTracking),
    );

    expect(
      await screen.findByText(
        /^No digest yet: the last check failed — next check/,
      ),
    ).toBeInTheDocument();
    // Unreachable is expected offline: said calmly, the raw error on hover.
    const explained = field('Last check').getByText(
      /^docker.io cannot be reached from the backend/,
    );
    expect(explained).toHaveAttribute(
      'title',
      'RegistryUnavailableError: registry-1.docker.io is unreachable',
    );
    expect(explained).toHaveAttribute('data-tone', 'expected');
  });

  it('shows an error when the status cannot be loaded', async () => {
    await renderCard(
      watchedBaseImage,
      new InMemoryImageFactoryApi(new Error('backend is down')),
    );

    expect(
      await screen.findByText(/Could not load the tracking status/),
    ).toBeInTheDocument();
  });
});
