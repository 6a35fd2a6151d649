import { screen, waitFor, within } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { UpcomingRebuildState } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import {
  NODES,
  REBUILD_DIGESTS,
  upcomingFixture,
} from '../../__fixtures__/rebuilds';
import { emptyStatus } from '../../__fixtures__/status';
import { UpcomingRebuildsCard } from './UpcomingRebuildsCard';

jest.setTimeout(30_000);

const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const short = (digest: string) => `${digest.slice(0, 19)}…`;

async function renderCard(
  api: InMemoryImageFactoryApi,
  refreshIntervalMs?: number,
) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
      <UpcomingRebuildsCard refreshIntervalMs={refreshIntervalMs} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const rowOf = (name: string) =>
  within(screen.getAllByRole('link', { name })[0].closest('tr')!);

describe('UpcomingRebuildsCard', () => {
  it('shows each state with its times, waits and run link', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const rows: Array<[string, UpcomingRebuildState]> = [
      ['hello-web', 'waiting-delay'],
      ['hello-api', 'coalescing'],
      ['hello-worker', 'waiting-upstream'],
      ['python-runtime', 'queued'],
      ['busybox-base', 'blocked'],
      ['debian-tools', 'manual'],
    ];
    api.upcoming = rows.map(([name, state]) =>
      upcomingFixture({
        imageName: name,
        entityRef: `image:default/${name}`,
        state,
        eligibleAt: at(2 * HOUR),
        ...(state === 'coalescing' && {
          quietUntil: at(20 * 60_000),
          maxWaitUntil: at(HOUR),
        }),
        ...(state === 'waiting-upstream' && {
          waitingFor: ['image:default/hello-api'],
        }),
        ...(state === 'queued' && {
          runId: '1a2b3c4d-0000-4000-9000-000000000001',
        }),
        ...(state === 'blocked' && {
          blockedReason: 'The rebuild of hello-web failed',
        }),
      }),
    );
    await renderCard(api);

    expect(await screen.findByText('Upcoming rebuilds')).toBeInTheDocument();
    expect(
      rowOf('hello-web').getByText('Waiting for delay'),
    ).toBeInTheDocument();
    expect(rowOf('hello-web').getByText('in 2 h')).toBeInTheDocument();
    expect(rowOf('hello-api').getByText('Coalescing')).toBeInTheDocument();
    expect(rowOf('hello-api').getByText('in 20 min')).toBeInTheDocument();
    expect(rowOf('hello-api').getByText('in 1 h')).toBeInTheDocument();
    expect(
      rowOf('hello-worker').getByText('Waiting for upstream'),
    ).toBeInTheDocument();
    expect(
      rowOf('hello-worker').getAllByRole('link', { name: 'hello-api' }),
    ).toHaveLength(1);
    expect(rowOf('python-runtime').getByText('Queued')).toBeInTheDocument();
    expect(
      rowOf('python-runtime').getByRole('link', { name: 'run 1a2b3c4d…' }),
    ).toHaveAttribute('href', '/catalog/default/image/python-runtime/builds');
    expect(rowOf('busybox-base').getByText('Blocked')).toBeInTheDocument();
    expect(
      rowOf('busybox-base').getByText('The rebuild of hello-web failed'),
    ).toBeInTheDocument();
    expect(rowOf('debian-tools').getByText('Manual')).toBeInTheDocument();
  });

  it('shows why: each base with old → new digest and first seen, two coalesced bases in one row', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.upcoming = [
      upcomingFixture({
        reasons: [
          {
            baseReference: NODES.busyboxBase,
            oldDigest: REBUILD_DIGESTS.busyboxOld,
            newDigest: REBUILD_DIGESTS.busyboxNew,
            firstSeenAt: at(-3 * HOUR),
          },
          {
            baseReference: NODES.debian,
            newDigest: REBUILD_DIGESTS.debianNew,
            firstSeenAt: at(-30 * 60_000),
            platforms: ['linux/arm64'],
          },
        ],
      }),
    ];
    await renderCard(api);

    await screen.findByText('Upcoming rebuilds');
    expect(screen.getAllByRole('row')).toHaveLength(2); // header + one rebuild
    const reasons = screen.getAllByTestId('rebuild-reason');
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toHaveTextContent(
      `${NODES.busyboxBase}${short(REBUILD_DIGESTS.busyboxOld)} → ${short(
        REBUILD_DIGESTS.busyboxNew,
      )}first seen 3 h ago`,
    );
    expect(reasons[1]).toHaveTextContent(
      `${NODES.debian}unknown → ${short(
        REBUILD_DIGESTS.debianNew,
      )} (linux/arm64)first seen 30 min ago`,
    );
  });

  it('shows an enrollment build waiting for the first build of its base', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.upcoming = [
      upcomingFixture({
        imageName: 'hello-web',
        entityRef: 'image:default/hello-web',
        cause: 'enrollment',
        causeDetail: 'first seen in images.yaml',
        reasons: [],
        state: 'waiting-upstream',
        eligibleAt: at(0),
        waitingFor: ['image:default/busybox-base'],
      }),
      upcomingFixture({
        imageName: 'python-runtime',
        entityRef: 'image:default/python-runtime',
        cause: 'config-change',
        causeDetail: 'buildArgs.GREETING changed',
        reasons: [],
        state: 'queued',
        eligibleAt: at(0),
      }),
    ];
    await renderCard(api);
    const web = await waitFor(() => rowOf('hello-web'));
    expect(web.getByText('Enrollment')).toBeInTheDocument();
    expect(web.getByText('first seen in images.yaml')).toBeInTheDocument();
    expect(web.getByRole('link', { name: 'busybox-base' })).toBeInTheDocument();
    const python = rowOf('python-runtime');
    expect(python.getByText('Config changed')).toBeInTheDocument();
    expect(python.getByText('buildArgs.GREETING changed')).toBeInTheDocument();
  });

  it('says a base was not found when an image that never built waits for it', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.upcoming = [
      upcomingFixture({
        reasons: [
          {
            baseReference: NODES.busyboxBase,
            notFoundBefore: true,
            newDigest: REBUILD_DIGESTS.busyboxNew,
            firstSeenAt: at(-60_000),
          },
        ],
      }),
    ];
    await renderCard(api);

    const [reason] = await screen.findAllByTestId('rebuild-reason');
    expect(reason).toHaveTextContent(
      `${NODES.busyboxBase}not found → ${short(REBUILD_DIGESTS.busyboxNew)}`,
    );
  });

  it('reads the list again on its interval, and says when there is none', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    await renderCard(api, 50);

    expect(await screen.findByText('No upcoming rebuilds')).toBeInTheDocument();
    api.upcoming = [upcomingFixture()];
    expect(
      await screen.findByRole('link', { name: 'hello-web' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.upcomingCalls).toBeGreaterThan(2));
  });

  it('shows the backend error', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.upcoming = new Error('planner down');
    await renderCard(api);
    expect(
      await screen.findByText(/Could not load the upcoming rebuilds/),
    ).toBeInTheDocument();
  });
});
