import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  LIFECYCLE_SIGNAL_CHANNEL,
  LifecycleOverview,
} from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { emptyStatus } from '../../__fixtures__/status';
import { digest } from '../../__testUtils__/lifecycleTab';
import { TestSignalApi } from '../../__testUtils__/signals';
import { LifecyclePage } from './LifecyclePage';

jest.setTimeout(30_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/**
 * hello-web (web-team): dev holds the newest build, staging is one build
 * and 5 hours behind, prod four builds and 12 days behind on a base replaced
 * 9 days ago, with a promotion waiting for approval. busybox (sre): dev
 * only, prod empty, no staging.
 */
function overview(): LifecycleOverview {
  return {
    staleAfter: '7d',
    items: [
      {
        imageName: 'hello-web',
        entityRef: 'image:default/hello-web',
        owner: 'group:default/web-team',
        newestDigest: digest('55ee'),
        newestBuiltAt: ago(2 * HOUR),
        stages: [
          {
            name: 'dev',
            tag: 'dev',
            digest: digest('55ee'),
            updatedAt: ago(2 * HOUR),
            versionsBehind: 0,
            behindMs: 0,
          },
          {
            name: 'staging',
            tag: 'staging',
            digest: digest('44dd'),
            updatedAt: ago(3 * DAY),
            versionsBehind: 1,
            behindMs: 5 * HOUR + 10 * 60_000,
          },
          {
            name: 'prod',
            tag: 'prod',
            digest: digest('11aa'),
            updatedAt: ago(20 * DAY),
            versionsBehind: 4,
            behindMs: 12 * DAY + 7 * HOUR,
            stale: {
              base: 'docker.io/library/debian:12',
              replacedAt: ago(9 * DAY),
            },
            waiting: {
              moveId: 'w1',
              digest: digest('44dd'),
              waitingFor: 'approval',
            },
          },
        ],
      },
      {
        imageName: 'busybox',
        entityRef: 'image:default/busybox',
        owner: 'group:default/sre',
        newestDigest: digest('99ff'),
        newestBuiltAt: ago(DAY),
        stages: [
          {
            name: 'dev',
            tag: 'dev',
            digest: digest('99ff'),
            updatedAt: ago(DAY),
            versionsBehind: 0,
          },
          { name: 'prod', tag: 'prod' },
        ],
      },
    ],
  };
}

async function renderPage(path = '/image-factory/lifecycle') {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.lifecycle.overview = overview();
  const signals = new TestSignalApi();
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api], signals.entry()]}>
      <LifecyclePage />
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/image-factory': rootRouteRef,
      },
    },
  );
  return { api, signals };
}

const rowOf = (image: string) =>
  within(screen.getByRole('link', { name: image }).closest('tr')!);

/** The cell of a stage in a row, by the stage's column. */
const cell = (image: string, stage: string) =>
  within(rowOf(image).getByLabelText(`Stage ${stage}`));

describe('LifecyclePage', () => {
  it('shows every image × stage with the digest, age and lag, linking to each Lifecycle tab', async () => {
    await renderPage();

    expect(
      await screen.findByRole('link', { name: 'hello-web' }),
    ).toHaveAttribute('href', '/catalog/default/image/hello-web/lifecycle');
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual(
      expect.arrayContaining(['Image', 'Owner', 'dev', 'staging', 'prod']),
    );
    expect(headers.indexOf('dev')).toBeLessThan(headers.indexOf('staging'));
    expect(headers.indexOf('staging')).toBeLessThan(headers.indexOf('prod'));

    expect(cell('hello-web', 'dev').getByText('newest')).toBeInTheDocument();
    expect(
      cell('hello-web', 'staging').getByText('1 version / 5 h behind'),
    ).toBeInTheDocument();
    expect(
      cell('hello-web', 'staging').getByText('sha256:44dd44dd44dd…'),
    ).toBeInTheDocument();
    expect(
      cell('hello-web', 'staging').getByText('3 d ago'),
    ).toBeInTheDocument();
    expect(
      cell('hello-web', 'prod').getByText('4 versions / 12 days behind'),
    ).toBeInTheDocument();
    expect(
      cell('hello-web', 'prod').getByText('waiting for approval'),
    ).toBeInTheDocument();

    // busybox has no staging, and its prod holds nothing yet.
    expect(rowOf('busybox').getByText('empty')).toBeInTheDocument();
    expect(rowOf('busybox').getAllByText('—').length).toBeGreaterThan(0);
    expect(cell('busybox', 'dev').getByText('newest')).toBeInTheDocument();
  });

  it('flags a stale stage with its base and since when', async () => {
    await renderPage();
    await screen.findByRole('link', { name: 'hello-web' });

    const stale = cell('hello-web', 'prod').getByText(
      'stale: docker.io/library/debian:12 replaced 9 d ago',
    );
    expect(stale.closest('[title]')).toHaveAttribute(
      'title',
      expect.stringMatching(
        /^Built on docker\.io\/library\/debian:12, whose digest changed on /,
      ),
    );
    expect(cell('hello-web', 'staging').queryByText(/^stale/)).toBeNull();
    expect(cell('busybox', 'dev').queryByText(/^stale/)).toBeNull();
  });

  it('filters by owner through ?owner=, and lists every owner again', async () => {
    const { api } = await renderPage();
    await screen.findByRole('link', { name: 'busybox' });

    await userEvent.click(screen.getByRole('button', { name: /^Owner ./ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'web-team' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('link', { name: 'busybox' })).toBeNull(),
    );
    expect(screen.getByRole('link', { name: 'hello-web' })).toBeInTheDocument();
    expect(api.lifecycle.overviewCalls).toEqual([
      undefined,
      'group:default/web-team',
    ]);

    await userEvent.click(screen.getByRole('button', { name: /^Owner ./ }));
    const options = await screen.findAllByRole('option');
    // The other owner stays offered although the filtered answer lacks it.
    expect(options.map(o => o.textContent)).toEqual([
      'All owners',
      'sre',
      'web-team',
    ]);
    await userEvent.click(options[0]);
    expect(
      await screen.findByRole('link', { name: 'busybox' }),
    ).toBeInTheDocument();
    expect(api.lifecycle.overviewCalls.at(-1)).toBeUndefined();
  });

  it('asks for the owner in the address from the start', async () => {
    const { api } = await renderPage(
      '/image-factory/lifecycle?owner=group%3Adefault%2Fsre',
    );

    expect(
      await screen.findByRole('link', { name: 'busybox' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'hello-web' })).toBeNull();
    expect(api.lifecycle.overviewCalls).toEqual(['group:default/sre']);
  });

  it('reloads when the backend signals a change of any image', async () => {
    const { api, signals } = await renderPage();
    await screen.findByRole('link', { name: 'hello-web' });
    await waitFor(() =>
      expect(signals.count(LIFECYCLE_SIGNAL_CHANNEL)).toBe(1),
    );

    const changed = overview();
    Object.assign(changed.items[0].stages[2], {
      digest: digest('44dd'),
      versionsBehind: 1,
      behindMs: 5 * HOUR,
      stale: undefined,
      waiting: undefined,
    });
    api.lifecycle.overview = changed;
    signals.publish(LIFECYCLE_SIGNAL_CHANNEL, { imageName: 'hello-web' });

    await waitFor(() =>
      expect(
        cell('hello-web', 'prod').getByText('1 version / 5 h behind'),
      ).toBeInTheDocument(),
    );
    expect(cell('hello-web', 'prod').queryByText(/^stale/)).toBeNull();
    expect(api.lifecycle.overviewCalls).toHaveLength(2);
  });
});
