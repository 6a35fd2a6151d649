import { screen, within } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  IMAGE_FACTORY_API_VERSION,
  ImageBuildEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { DIGESTS, buildRunFixture } from '../../__fixtures__/builds';
import { emptyStatus } from '../../__fixtures__/status';
import { ImageBuildInputsCard, ImageBuildOverviewCard } from '.';

jest.setTimeout(30_000);

const run = buildRunFixture({
  cause: 'emergency',
  causeDetail: 'CVE-2026-1234: openssl',
});

/** The entity the catalog module makes of the run's artifact. */
const buildEntity: ImageBuildEntityV1alpha1 = {
  apiVersion: IMAGE_FACTORY_API_VERSION,
  kind: 'ImageBuild',
  metadata: {
    name: 'hello-web-1a2b3c4d1a2b',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location': `url:image-factory:builds/${run.id}`,
      'imagefactory.dev/run-id': run.id,
    },
  },
  spec: {
    image: 'image:default/hello-web',
    owner: 'group:default/team-web',
    reference: `localhost:5000/apps/hello-web@${DIGESTS.index}`,
    digest: DIGESTS.index,
    tags: ['latest'],
    platforms: [
      { platform: 'linux/amd64', digest: DIGESTS.amd64 },
      { platform: 'linux/arm64', digest: DIGESTS.arm64 },
    ],
    cause: 'emergency',
    builtFrom: [
      {
        reference: 'docker.io/library/nginx:1.27-alpine',
        digest: DIGESTS.base,
      },
    ],
    producedBy: 'provider:default/executor-local-docker',
    createdAt: '2026-11-22T10:01:40.000Z',
  },
};

async function renderPage(api: InMemoryImageFactoryApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
      <EntityProvider entity={buildEntity}>
        <ImageBuildOverviewCard />
        <ImageBuildInputsCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const field = (label: string) =>
  within(screen.getByRole('group', { name: label }));

describe('ImageBuild page', () => {
  it('shows the image, the cause, the index digest, the run link, the inputs and every platform digest', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.builds = [run];
    await renderPage(api);

    expect(await screen.findByText('CVE-2026-1234: openssl')).toBeVisible();
    expect(field('Cause').getByText('Emergency')).toBeInTheDocument();
    expect(field('Image').getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/image/hello-web',
    );
    expect(
      screen.getByRole('link', { name: 'Open the run in the Builds tab' }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/image/hello-web/builds?run=${run.id}`,
    );
    expect(
      field('Image index digest').getByTitle(DIGESTS.index),
    ).toBeInTheDocument();
    expect(
      field('Pull by digest').getByTitle(
        `docker pull localhost:5000/apps/hello-web@${DIGESTS.index}`,
      ),
    ).toBeInTheDocument();

    // The run's inputs: commit, Dockerfile, build args, base digests.
    expect(
      field('Source revision').getByTitle(run.inputs.sourceRevision!),
    ).toBeInTheDocument();
    expect(
      field('Dockerfile digest').getByTitle(DIGESTS.dockerfile),
    ).toBeInTheDocument();
    expect(field('Build args').getByText('NGINX_PORT=8080')).toBeVisible();
    expect(field('Base images').getByTitle(DIGESTS.base)).toBeInTheDocument();
    const platforms = within(
      await screen.findByRole('table', { name: 'Platforms' }),
    );
    expect(platforms.getByTitle(DIGESTS.amd64)).toBeInTheDocument();
    expect(platforms.getByTitle(DIGESTS.arm64)).toBeInTheDocument();
  });

  it("shows the entity's platforms and bases when the run cannot be read", async () => {
    await renderPage(new InMemoryImageFactoryApi(emptyStatus));

    expect(
      await screen.findByText(/The run's inputs cannot be read/),
    ).toBeInTheDocument();
    const platforms = within(screen.getByRole('table', { name: 'Platforms' }));
    expect(platforms.getByText('linux/arm64')).toBeInTheDocument();
    expect(platforms.getByTitle(DIGESTS.arm64)).toBeInTheDocument();
    expect(screen.getByTitle(DIGESTS.base)).toBeInTheDocument();
  });
});
