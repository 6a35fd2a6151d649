import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { imageFactoryApiRef } from '../../api';
import { permissionApi } from '../../__testUtils__/permissions';
import { rootRouteRef } from '../../routes';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { exampleImage } from '../../__fixtures__/images';
import { emptyStatus } from '../../__fixtures__/status';
import { EntityNotFound } from './EntityNotFound';

async function renderAt(path: string, api: InMemoryImageFactoryApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api], permissionApi()]}>
      {/* As in the app: under the entity page's route. */}
      <Routes>
        <Route
          path="/catalog/:namespace/:kind/:name"
          element={<EntityNotFound />}
        />
      </Routes>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/image-factory': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
      routeEntries: [path],
    },
  );
}

describe('EntityNotFound', () => {
  it('says when an archived image was un-enrolled and links to the archive and Re-enroll', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const entity = exampleImage('hello-web');
    api.archived = {
      items: [
        {
          name: 'hello-web',
          entityRef: 'image:default/hello-web',
          type: 'managed',
          reference: entity.spec.reference,
          owner: entity.spec.owner,
          firstSeenAt: '2026-11-01T10:00:00.000Z',
          archivedAt: '2026-11-04T10:00:00.000Z',
          entity,
          history: [],
          builds: [],
        },
      ],
    };
    await renderAt('/catalog/default/image/hello-web', api);

    expect(
      await screen.findByText(/hello-web was un-enrolled/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Archived images' }),
    ).toHaveAttribute('href', '/image-factory#archived-images');
    expect(
      screen.getByRole('button', { name: 'Re-enroll hello-web' }),
    ).toHaveAttribute(
      'href',
      expect.stringMatching(/^\/image-factory\/enroll\?name=hello-web&/),
    );
  });

  it('points a missing image build at the archive', async () => {
    await renderAt(
      '/catalog/default/imagebuild/hello-web-1a2b3c4d1a2b',
      new InMemoryImageFactoryApi(emptyStatus),
    );
    expect(
      await screen.findByText(/no image build named hello-web-1a2b3c4d1a2b/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Archived images' }),
    ).toHaveAttribute('href', '/image-factory#archived-images');
  });

  it('says only "not found" for other kinds', async () => {
    await renderAt(
      '/catalog/default/component/nope',
      new InMemoryImageFactoryApi(emptyStatus),
    );
    expect(
      await screen.findByText(/There is no nope in the catalog/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Archived images' })).toBeNull();
  });
});
