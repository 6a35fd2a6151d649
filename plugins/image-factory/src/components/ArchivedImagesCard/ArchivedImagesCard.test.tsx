import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ArchivedImage } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { permissionApi } from '../../__testUtils__/permissions';
import { rootRouteRef } from '../../routes';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { DIGESTS, buildRunFixture } from '../../__fixtures__/builds';
import { exampleImage } from '../../__fixtures__/images';
import { emptyStatus } from '../../__fixtures__/status';
import { EnrollPage } from '../EnrollPage';
import { ArchivedImagesCard } from './ArchivedImagesCard';

jest.setTimeout(30_000);

const entity = exampleImage('hello-web');

const archived: ArchivedImage = {
  name: 'hello-web',
  entityRef: 'image:default/hello-web',
  type: 'managed',
  reference: entity.spec.reference,
  owner: entity.spec.owner,
  firstSeenAt: '2026-11-01T10:00:00.000Z',
  archivedAt: '2026-11-04T10:00:00.000Z',
  entity,
  history: [
    { event: 'enrolled', at: '2026-11-01T10:00:00.000Z' },
    { event: 'unenrolled', at: '2026-11-02T10:00:00.000Z' },
    { event: 're-enrolled', at: '2026-11-03T10:00:00.000Z' },
    { event: 'unenrolled', at: '2026-11-04T10:00:00.000Z' },
  ],
  builds: [buildRunFixture({ causeDetail: 'Try the new base' })],
};

const mountedRoutes = {
  '/image-factory': rootRouteRef,
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

async function renderCard(
  api: InMemoryImageFactoryApi,
  denied: Parameters<typeof permissionApi>[0] = [],
) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api], permissionApi(denied)]}>
      <ArchivedImagesCard />
    </TestApiProvider>,
    { mountedRoutes },
  );
}

describe('ArchivedImagesCard', () => {
  it('lists an un-enrolled image with its history, its builds and Re-enroll', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.archived = { items: [archived] };
    await renderCard(api);

    const item = within(
      await screen.findByRole('region', { name: 'hello-web' }),
    );
    expect(
      item
        .getAllByRole('listitem')
        .map(li => li.textContent?.replace(/ .*/, '')),
    ).toEqual(['Enrolled', 'Un-enrolled', 'Re-enrolled', 'Un-enrolled']);
    const builds = within(
      item.getByRole('table', { name: 'Builds of hello-web' }),
    );
    expect(builds.getByText('Succeeded')).toBeInTheDocument();
    expect(builds.getByText('Try the new base')).toBeInTheDocument();
    expect(builds.getByTitle(DIGESTS.index)).toBeInTheDocument();

    const href = item
      .getByRole('button', { name: 'Re-enroll hello-web' })
      .getAttribute('href')!;
    const [path, query] = href.split('?');
    expect(path).toBe('/image-factory/enroll');
    const params = new URLSearchParams(query);
    expect(params.get('name')).toBe('hello-web');
    expect(params.get('type')).toBe('managed');
    expect(params.get('owner')).toBe(entity.spec.owner);
    expect(params.get('reference')).toBe(entity.spec.reference);
    expect(params.get('repo')).toBe(entity.spec.source!.repo);
    expect(params.get('platforms')).toBe(entity.spec.platforms.join(','));
  });

  it('says when nothing is archived', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    await renderCard(api);
    expect(await screen.findByText('No archived images')).toBeInTheDocument();
  });

  it('shows the error of the archive', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.archived = new Error('Not allowed to read the archived images');
    await renderCard(api);
    expect(
      await screen.findByText(/Could not load the archived images/),
    ).toBeInTheDocument();
  });

  it('Re-enroll opens the enroll form filled in with the last entry', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.archived = { items: [archived] };
    await renderCard(api);
    const href = (
      await screen.findByRole('button', { name: 'Re-enroll hello-web' })
    ).getAttribute('href')!;

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [imageFactoryApiRef, api],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: 'user:default/jane',
              ownershipEntityRefs: ['group:default/someone-else'],
            }),
          ],
        ]}
      >
        <EnrollPage />
      </TestApiProvider>,
      { mountedRoutes, routeEntries: [href] },
    );
    const form = within(
      await screen.findByRole('form', { name: 'Enroll an image' }),
    );
    const value = (name: RegExp) =>
      (form.getByRole('textbox', { name }) as HTMLInputElement).value;
    expect(value(/^Name/)).toBe('hello-web');
    expect(value(/^Owner/)).toBe(entity.spec.owner);
    expect(value(/^Image reference/)).toBe(entity.spec.reference);
    expect(value(/^GitHub repository/)).toBe(entity.spec.source!.repo);
    expect(form.getByRole('radio', { name: /^Managed/ })).toBeChecked();
  });

  it("disables Re-enroll, naming the permission on the image's owner, for a user without it", async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    // An owner of its own: usePermission caches answers per entity.
    api.archived = {
      items: [{ ...archived, owner: 'group:default/team-locked' }],
    };
    await renderCard(api, [{ name: 'image-factory.image.enroll' }]);
    const item = within(
      await screen.findByRole('region', { name: 'hello-web' }),
    );
    await waitFor(() =>
      expect(
        item.getByRole('button', { name: 'Re-enroll hello-web' }),
      ).toBeDisabled(),
    );
    const button = item.getByRole('button', { name: 'Re-enroll hello-web' });
    expect(button).not.toHaveAttribute('href');
    await userEvent.hover(button.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You need the permission image-factory.image.enroll on group:default/team-locked',
    );
  });
});
