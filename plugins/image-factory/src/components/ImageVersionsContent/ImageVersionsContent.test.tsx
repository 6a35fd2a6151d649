import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { exampleImage, watchedBaseImage } from '../../__fixtures__/images';
import { emptyStatus } from '../../__fixtures__/status';
import {
  VERSION_DIGESTS,
  comparisonFixture,
  helloWebVersions,
  versionSource,
} from '../../__fixtures__/versions';
import { ImageVersionsContent } from './ImageVersionsContent';

jest.setTimeout(30_000);

// jsdom has no Clipboard API; this one keeps what was written, as a browser would.
let clipboardText = '';
beforeEach(() => {
  clipboardText = '';
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: {
      writeText: async (text: string) => {
        clipboardText = text;
      },
    },
  });
});

function apiWithVersions() {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.versions.versions['hello-web'] = helloWebVersions();
  return api;
}

async function renderTab(
  api: InMemoryImageFactoryApi,
  entity: Entity = exampleImage('hello-web'),
  pageSize = 25,
) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
      <EntityProvider entity={entity}>
        <ImageVersionsContent pageSize={pageSize} filterDebounceMs={500} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return api;
}

/** The table row of a version, found by its checkbox. */
const row = (label: string) =>
  within(
    screen
      .getByRole('checkbox', { name: `Select ${label}` })
      .closest('tr') as HTMLElement,
  );
const lastQuery = (api: InMemoryImageFactoryApi) =>
  api.versions.listCalls[api.versions.listCalls.length - 1].query;
const when = (iso: string) => new Date(iso).toLocaleString();

describe('ImageVersionsContent', () => {
  it('shows one row per version: tags, platforms, attachments as chips, the run and lineage', async () => {
    await renderTab(apiWithVersions());

    expect(
      await screen.findByRole('checkbox', { name: 'Select 1.3.0' }),
    ).toBeInTheDocument();
    const newest = row('1.3.0');
    // Semantic versions first, the machine tag last and greyed.
    expect(newest.getAllByRole('listitem').map(li => li.textContent)).toEqual(
      expect.arrayContaining([
        '1.3.0',
        'latest',
        'latest-20261201T100000.000Z',
      ]),
    );
    const tags = newest
      .getAllByRole('listitem')
      .filter(li => li.querySelector('code') && !li.getAttribute('aria-label'));
    expect(tags.map(li => li.textContent)).toEqual([
      '1.3.0',
      'latest',
      'latest-20261201T100000.000Z',
    ]);
    expect(tags[2]).toHaveAttribute(
      'title',
      'latest-20261201T100000.000Z (machine tag)',
    );

    // Two platforms with architecture, size and digest; the attestation and
    // signature are chips, not platforms.
    expect(
      newest.getByRole('listitem', { name: 'linux/amd64' }),
    ).toHaveTextContent('linux/amd64 · amd64 · 3.4 MB sha256:a130a130a130…');
    expect(
      newest.getByRole('listitem', { name: 'linux/arm64' }),
    ).toHaveTextContent('arm64 · 3.5 MB');
    expect(newest.queryByRole('listitem', { name: /unknown/ })).toBeNull();
    expect(newest.getByText('attestation')).toBeInTheDocument();
    expect(newest.getByText('signature')).toBeInTheDocument();
    expect(newest.getByText('6.9 MB')).toBeInTheDocument();

    // Why it exists: the run in the Builds tab, and the base it was built on.
    expect(
      newest.getByRole('link', { name: 'Base image changed run' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/image/hello-web/builds?run=00000000-0000-4000-9000-000000000007',
    );
    expect(newest.getByText('0123456789ab')).toBeInTheDocument();
    expect(newest.getByText(/^built on/).textContent).toBe(
      'built on busybox-base@sha256:0b0b0b0b0b0b…, 3 versions behind its newest',
    );
    expect(newest.getByRole('link', { name: 'busybox-base' })).toHaveAttribute(
      'href',
      '/catalog/default/image/busybox-base/versions',
    );
    expect(newest.getByRole('link', { name: /registry page/ })).toHaveAttribute(
      'href',
      'https://registry.example.com/apps/hello-web',
    );

    expect(row('1.1.0').getByText('not built by the factory')).toBeVisible();
    expect(screen.getByText('1–4 of 4')).toBeInTheDocument();
  });

  it('pages with the server cursor and back', async () => {
    const api = await renderTab(apiWithVersions(), undefined, 2);
    await screen.findByRole('checkbox', { name: 'Select 1.3.0' });
    expect(api.versions.listCalls.map(c => c.query)).toEqual([
      { limit: 2, sort: 'semver', hideMachineTags: false },
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(
      await screen.findByRole('checkbox', { name: 'Select 1.1.0' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'Select 1.3.0' })).toBeNull();
    expect(lastQuery(api)).toEqual({
      cursor: '2',
      limit: 2,
      sort: 'semver',
      hideMachineTags: false,
    });
    expect(screen.getByText('3–4 of 4')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    await userEvent.click(
      screen.getByRole('button', { name: 'Previous page' }),
    );
    expect(
      await screen.findByRole('checkbox', { name: 'Select 1.3.0' }),
    ).toBeInTheDocument();
    expect(lastQuery(api).cursor).toBeUndefined();
  });

  it('sends the sort, the debounced filter and "Hide machine tags" to the backend, from the first page', async () => {
    const api = await renderTab(apiWithVersions(), undefined, 2);
    await screen.findByRole('checkbox', { name: 'Select 1.3.0' });
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByRole('checkbox', { name: 'Select 1.1.0' });

    await userEvent.click(screen.getByRole('button', { name: /Sort by/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Date' }));
    await waitFor(() =>
      expect(lastQuery(api)).toEqual({
        limit: 2,
        sort: 'date',
        hideMachineTags: false,
      }),
    );

    const before = api.versions.listCalls.length;
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Filter by tag' }),
      '1.2',
    );
    await waitFor(() => expect(lastQuery(api).q).toBe('1.2'), {
      timeout: 3000,
    });
    // One request for the typed text, not one per key.
    expect(api.versions.listCalls.slice(before).map(c => c.query.q)).toEqual([
      '1.2',
    ]);
    expect(
      await screen.findByRole('checkbox', { name: 'Select 1.2.0' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'Select 1.3.0' })).toBeNull();

    await userEvent.clear(
      screen.getByRole('textbox', { name: 'Filter by tag' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Hide machine tags' }),
    );
    await waitFor(
      () =>
        expect(lastQuery(api)).toEqual({
          limit: 2,
          sort: 'date',
          hideMachineTags: true,
        }),
      { timeout: 3000 },
    );
  });

  it('keeps showing the cached versions under a banner when the registry is unreachable', async () => {
    const api = apiWithVersions();
    api.versions.sources['hello-web'] = versionSource({
      state: 'unreachable',
      unreachableSince: '2026-12-02T08:00:00.000Z',
      error: 'connect ECONNREFUSED 127.0.0.1:5000',
    });
    await renderTab(api);

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent(
      `Registry unreachable since ${when(
        '2026-12-02T08:00:00.000Z',
      )}, showing versions as of ${when('2026-12-01T10:05:00.000Z')}`,
    );
    expect(banner).toHaveTextContent('connect ECONNREFUSED 127.0.0.1:5000');
    expect(
      screen.getByRole('checkbox', { name: 'Select 1.3.0' }),
    ).toBeInTheDocument();
  });

  it('says a stale list is being refreshed', async () => {
    const api = apiWithVersions();
    api.versions.sources['hello-web'] = versionSource({ state: 'stale' });
    await renderTab(api);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      `Showing versions as of ${when('2026-12-01T10:05:00.000Z')}, refreshing`,
    );
  });

  it('copies the pull reference by digest, by tag and per platform', async () => {
    await renderTab(apiWithVersions());
    await screen.findByRole('checkbox', { name: 'Select 1.3.0' });
    const repo = 'localhost:5000/apps/hello-web';

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Copy pull reference of 1.3.0 by digest',
      }),
    );
    expect(clipboardText).toBe(`${repo}@${VERSION_DIGESTS.v130}`);
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Copy pull reference of 1.3.0 by tag',
      }),
    );
    expect(clipboardText).toBe(`${repo}:1.3.0`);
    await userEvent.click(
      row('1.3.0').getByRole('button', {
        name: 'Copy pull reference of linux/arm64 by digest',
      }),
    );
    expect(clipboardText).toBe(`${repo}@${VERSION_DIGESTS.arm64v130}`);
  });

  it('refreshes the registry listing, then reads the list again', async () => {
    const api = apiWithVersions();
    api.versions.sources['hello-web'] = versionSource({
      state: 'unreachable',
      unreachableSince: '2026-12-02T08:00:00.000Z',
    });
    await renderTab(api);
    await screen.findByRole('alert');
    const before = api.versions.listCalls.length;

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(api.versions.refreshCalls).toEqual(['hello-web']);
    expect(api.versions.listCalls.length).toBe(before + 1);
  });

  it('compares two selected versions, the older first, with the summary on top', async () => {
    const api = apiWithVersions();
    api.versions.comparisons[
      `${VERSION_DIGESTS.v120}..${VERSION_DIGESTS.v130}`
    ] = comparisonFixture();
    await renderTab(api);
    await screen.findByRole('checkbox', { name: 'Select 1.3.0' });
    const compare = screen.getByRole('button', { name: 'Compare' });
    expect(compare).toBeDisabled();

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select 1.3.0' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select 1.2.0' }),
    );
    // Two at most.
    expect(
      screen.getByRole('checkbox', { name: 'Select 1.1.0' }),
    ).toBeDisabled();
    await userEvent.click(compare);

    const dialog = within(await screen.findByRole('dialog'));
    expect(
      dialog.getByRole('heading', { name: 'Compare 1.2.0 → 1.3.0' }),
    ).toBeInTheDocument();
    expect(await dialog.findByLabelText('Summary')).toHaveTextContent(
      'Rebuilt because busybox-base changed (0a0a0a0a → 0b0b0b0b); adds linux/arm64',
    );
    expect(api.versions.compareCalls).toEqual([
      {
        name: 'hello-web',
        from: VERSION_DIGESTS.v120,
        to: VERSION_DIGESTS.v130,
      },
    ]);
    const platforms = within(dialog.getByRole('table', { name: 'Platforms' }));
    expect(platforms.getAllByRole('row').map(r => r.textContent)).toEqual([
      'PlatformChangeSizeLayersDigest',
      'linux/amd64changed3.3 MB → 3.4 MB+1 (120 kB), −1 (20.0 kB), 2 sharedsha256:a120a120a120… → sha256:a130a130a130…',
      'linux/arm64added— → 3.5 MB+0 (0 B), −0 (0 B), 0 shared— → sha256:b130b130b130…',
    ]);
    expect(
      within(dialog.getByRole('table', { name: 'Bases' })).getByRole('cell', {
        name: 'sha256:0a0a0a0a0a0a… → sha256:0b0b0b0b0b0b…',
      }),
    ).toBeInTheDocument();
    expect(
      within(dialog.getByRole('table', { name: 'Build args' })).getByRole(
        'cell',
        { name: '— → 8080' },
      ),
    ).toBeInTheDocument();
    expect(dialog.getByLabelText('Source revision')).toHaveTextContent(
      'fedcba987654 → 0123456789ab',
    );

    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('works for a watched base image too, and says when the registry has no tags', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.versions.versions[watchedBaseImage.metadata.name] = [];
    await renderTab(api, watchedBaseImage);
    expect(
      await screen.findByText('No versions in the registry'),
    ).toBeInTheDocument();
    expect(api.versions.listCalls[0].name).toBe(watchedBaseImage.metadata.name);
  });

  it('shows the error of a refused list', async () => {
    const api = apiWithVersions();
    api.versions.listResults = [new Error("No image 'hello-web'")];
    await renderTab(api);
    expect(
      await screen.findByText(/Could not load the versions/),
    ).toBeInTheDocument();
  });
});
