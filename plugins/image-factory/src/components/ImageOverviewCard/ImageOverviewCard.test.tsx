import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { exampleImage, watchedBaseImage } from '../../__fixtures__/images';
import { ImageOverviewCard } from './ImageOverviewCard';

function renderCard(entity: Entity) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <ImageOverviewCard />
    </EntityProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

function field(label: string) {
  return within(screen.getByRole('group', { name: label }));
}

describe('ImageOverviewCard', () => {
  it('shows the source without a link when no source host link is known', async () => {
    await renderCard(exampleImage('hello-web'));
    expect(
      field('Source').getByText(
        'image-factory/examples: dockerfiles/hello-web/Dockerfile',
      ),
    ).toBeInTheDocument();
    expect(field('Source').queryByRole('link')).toBeNull();
    expect(document.body.innerHTML).not.toContain('github.com');
  });

  it('shows every field of a managed image', async () => {
    const entity = exampleImage('hello-web', {
      providedBy: 'provider:default/registry-local',
      dependsOn: ['image:default/busybox-base'],
    });
    // As the catalog module sets it, on the configured source host.
    entity.metadata.annotations = {
      ...entity.metadata.annotations,
      'backstage.io/view-url':
        'http://127.0.0.1:7010/image-factory/examples/blob/main/dockerfiles/hello-web/Dockerfile',
    };
    await renderCard(entity);

    expect(field('Type').getByText('managed')).toBeInTheDocument();
    expect(
      field('Owner').getByRole('link', { name: /team-web/ }),
    ).toHaveAttribute('href', '/catalog/default/group/team-web');

    expect(
      field('Reference').getByText('localhost:5000/apps/hello-web'),
    ).toBeInTheDocument();
    expect(
      field('Reference').getByRole('button', { name: 'Copy image reference' }),
    ).toBeInTheDocument();
    expect(
      field('Pull').getByText('docker pull localhost:5000/apps/hello-web'),
    ).toBeInTheDocument();
    expect(
      field('Pull').getByRole('button', { name: 'Copy pull command' }),
    ).toBeInTheDocument();

    expect(field('Registry').getByText('localhost:5000')).toBeInTheDocument();
    expect(field('Repository').getByText('apps/hello-web')).toBeInTheDocument();
    expect(
      field('Tag / digest').getByText('Not set: pulls resolve the tag latest'),
    ).toBeInTheDocument();

    expect(field('Platforms').getByText('linux/amd64')).toBeInTheDocument();
    expect(field('Platforms').getByText('linux/s390x')).toBeInTheDocument();

    expect(
      field('Registry provider').getByRole('link', { name: /registry-local/ }),
    ).toHaveAttribute('href', '/catalog/default/provider/registry-local');
    expect(
      field('Built from').getByRole('link', { name: /busybox-base/ }),
    ).toHaveAttribute('href', '/catalog/default/image/busybox-base');

    expect(
      field('Source').getByRole('link', {
        // The link opens GitHub in a new window and says so in its name.
        name: /^image-factory\/examples: dockerfiles\/hello-web\/Dockerfile/,
      }),
    ).toHaveAttribute(
      'href',
      'http://127.0.0.1:7010/image-factory/examples/blob/main/dockerfiles/hello-web/Dockerfile',
    );
    expect(
      field('Source').getByText(
        'github, branch main, context dockerfiles/hello-web',
      ),
    ).toBeInTheDocument();

    expect(field('Build args').getByText('GREETING=hello')).toBeInTheDocument();

    // hello-web sets every rebuild field, so none is marked as a default.
    const rebuild = field('Rebuild policy');
    expect(
      rebuild.getByText('Automatic rebuild on base change: on'),
    ).toBeInTheDocument();
    expect(
      rebuild.getByText('Delay after a new base digest: 1h'),
    ).toBeInTheDocument();
    expect(rebuild.getByText('Coalescing window: 30m')).toBeInTheDocument();

    const stages = field('Lifecycle stages');
    expect(stages.getByText('dev')).toBeInTheDocument();
    expect(stages.getByText('staging')).toBeInTheDocument();
    expect(stages.getByText('prod')).toBeInTheDocument();
  });

  it('spells out the defaults of a built image without a rebuild policy', async () => {
    // busybox-base is built from source but sets no `rebuild:` block.
    await renderCard(exampleImage('busybox-base'));

    expect(field('Type').getByText('base')).toBeInTheDocument();
    const rebuild = field('Rebuild policy');
    expect(
      rebuild.getByText('Automatic rebuild on base change: on (default)'),
    ).toBeInTheDocument();
    expect(
      rebuild.getByText('Delay after a new base digest: 0s (default)'),
    ).toBeInTheDocument();
    expect(
      rebuild.getByText('Coalescing window: 30m (default)'),
    ).toBeInTheDocument();
    expect(field('Tag / digest').getByText('Tag stable')).toBeInTheDocument();
    expect(field('Build args').getByText('None')).toBeInTheDocument();
    expect(
      field('Lifecycle stages').getByText('No stages: builds are not promoted'),
    ).toBeInTheDocument();
  });

  it('handles a base image without source, tag, platforms or provider', async () => {
    await renderCard(watchedBaseImage);

    expect(field('Type').getByText('base')).toBeInTheDocument();
    expect(
      field('Reference').getByText('docker.io/library/alpine'),
    ).toBeInTheDocument();
    expect(
      field('Source').getByText('None: the factory does not build this image'),
    ).toBeInTheDocument();
    expect(
      field('Rebuild policy').getByText(
        'Not applicable: the factory watches this image only',
      ),
    ).toBeInTheDocument();
    expect(field('Platforms').getByText('None listed')).toBeInTheDocument();
    expect(
      field('Registry provider').getByText(
        'No provider configured for docker.io',
      ),
    ).toBeInTheDocument();
    expect(
      field('Built from').getByText('No known base images'),
    ).toBeInTheDocument();
    expect(
      field('Lifecycle stages').getByText('No stages: builds are not promoted'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /github/ })).toBeNull();
  });

  it('shows the digest of a pinned image with a copy button', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    await renderCard({
      ...watchedBaseImage,
      spec: {
        ...watchedBaseImage.spec,
        type: 'external',
        tag: '3.20',
        reference: `docker.io/library/alpine:3.20@${digest}`,
        digest,
      },
    });

    expect(field('Tag / digest').getByText('Tag 3.20')).toBeInTheDocument();
    expect(field('Tag / digest').getByText(digest)).toBeInTheDocument();
    expect(
      field('Tag / digest').getByRole('button', { name: 'Copy digest' }),
    ).toBeInTheDocument();
  });

  it('warns instead of failing when the entity is not an Image', async () => {
    await renderCard({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web' },
      spec: { type: 'service', owner: 'team-web', lifecycle: 'production' },
    });

    expect(screen.getByText(/Not an Image/)).toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Reference' })).toBeNull();
  });
});
