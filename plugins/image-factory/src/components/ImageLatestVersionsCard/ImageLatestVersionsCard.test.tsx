import { screen, within } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { exampleImage } from '../../__fixtures__/images';
import { emptyStatus } from '../../__fixtures__/status';
import { helloWebVersions, versionSource } from '../../__fixtures__/versions';
import { ImageLatestVersionsCard } from './ImageLatestVersionsCard';

async function renderCard(api: InMemoryImageFactoryApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
      <EntityProvider entity={exampleImage('hello-web')}>
        <ImageLatestVersionsCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ImageLatestVersionsCard', () => {
  it("shows the newest three versions, a person's tag first, with markers and a stale-base warning", async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.versions.versions['hello-web'] = helloWebVersions();
    await renderCard(api);

    const list = within(
      await screen.findByRole('list', { name: 'Latest versions' }),
    );
    expect(api.versions.listCalls).toEqual([
      {
        name: 'hello-web',
        query: { sort: 'date', hideMachineTags: false, limit: 3 },
      },
    ]);
    const items = list.getAllByRole('listitem');
    expect(items.map(i => i.getAttribute('aria-label'))).toEqual([
      '1.3.0',
      '1.2.0',
      '1.1.0',
    ]);
    const newest = within(items[0]);
    expect(newest.getByText('newest')).toBeInTheDocument();
    // The version tag leads; the others, run tags last, follow it.
    expect(
      newest.getByText('latest, latest-20261201T100000.000Z'),
    ).toBeInTheDocument();
    expect(newest.getByText('base 3 behind')).toBeInTheDocument();
    expect(within(items[1]).getByText('1 behind')).toBeInTheDocument();
    expect(within(items[1]).getByText('base 4 behind')).toBeInTheDocument();
    expect(within(items[2]).getByText('2 behind')).toBeInTheDocument();
    expect(within(items[2]).queryByText(/^base/)).toBeNull();
    expect(items[0].querySelector('time')).toHaveAttribute(
      'datetime',
      '2026-12-01T10:00:00.000Z',
    );
    expect(items[0].querySelector('time')).toHaveTextContent(/ d ago$/);
    expect(screen.getByRole('link', { name: /All versions/ })).toHaveAttribute(
      'href',
      '/catalog/default/image/hello-web/versions',
    );
  });

  it('says when the registry is unreachable', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.versions.versions['hello-web'] = helloWebVersions();
    api.versions.sources['hello-web'] = versionSource({
      state: 'unreachable',
      unreachableSince: '2026-12-02T08:00:00.000Z',
    });
    await renderCard(api);
    expect(
      await screen.findByText(/^Registry unreachable since/),
    ).toHaveTextContent(
      `Registry unreachable since ${new Date(
        '2026-12-02T08:00:00.000Z',
      ).toLocaleString()}, showing versions as of`,
    );
  });

  it('has an empty and an error state', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.versions.versions['hello-web'] = [];
    await renderCard(api);
    expect(await screen.findByText('No versions yet')).toBeInTheDocument();

    const failing = new InMemoryImageFactoryApi(emptyStatus);
    failing.versions.listResults = [new Error('registry down')];
    await renderCard(failing);
    expect(
      await screen.findByText(/Could not load the versions/),
    ).toBeInTheDocument();
  });
});
