import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { imageFactoryApiRef } from '../../api';
import {
  findEnabledButton,
  permissionApi,
} from '../../__testUtils__/permissions';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import {
  DIGESTS,
  buildRunFixture,
  logLine,
  queuedRunFixture,
} from '../../__fixtures__/builds';
import { responseError } from '../../__fixtures__/enrollments';
import { exampleImage, watchedBaseImage } from '../../__fixtures__/images';
import { emptyStatus } from '../../__fixtures__/status';
import { ImageBuildsContent } from './ImageBuildsContent';
import { mockLogViewerLayout } from '../../__testUtils__/logViewerLayout';

jest.setTimeout(30_000);

beforeEach(mockLogViewerLayout);

afterEach(() => {
  jest.restoreAllMocks();
});

async function renderTab(
  api = new InMemoryImageFactoryApi(emptyStatus),
  entity: Entity = exampleImage('hello-web'),
  path = '/',
  denied: Parameters<typeof permissionApi>[0] = [],
) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api], permissionApi(denied)]}>
      <EntityProvider entity={entity}>
        <ImageBuildsContent refreshIntervalMs={50} />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: [path],
    },
  );
  return api;
}

const short = (digest: string) => `${digest.slice(0, 19)}…`;
const buildNow = () => screen.getByRole('button', { name: 'Build now' });
/** The log shows a line (the LogViewer re-renders its rows as it sizes them). */
const showsLine = (text: string) =>
  waitFor(() => expect(screen.getByRole('log')).toHaveTextContent(text));
const platformsTable = () =>
  within(screen.getByRole('table', { name: 'Platforms' }));

describe('ImageBuildsContent', () => {
  it.each([
    [
      'an external image',
      {
        ...watchedBaseImage,
        spec: { ...watchedBaseImage.spec, type: 'external' as const },
      },
      'an external image',
    ],
    ['a base image without a source', watchedBaseImage, 'a base image'],
  ])('offers no "Build now" for %s', async (_, entity, kind) => {
    const api = await renderTab(undefined, entity);
    expect(
      await screen.findByText('The factory does not build this image'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(new RegExp(`alpine-base is ${kind} without a source`)),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Build now' }),
    ).not.toBeInTheDocument();
    expect(api.buildRequests).toEqual([]);
  });

  it('starts a build with a reason and force, and shows the queued run', async () => {
    const api = await renderTab();
    expect(await screen.findByText('No builds yet')).toBeInTheDocument();

    await userEvent.type(
      screen.getByRole('textbox', { name: /Reason/ }),
      'Try the new base',
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Force (even if up to date)' }),
    );
    await userEvent.click(await findEnabledButton('Build now'));

    expect(
      await screen.findByText('Build of hello-web queued.'),
    ).toBeInTheDocument();
    expect(api.buildRequests).toEqual([
      {
        call: 'start',
        target: 'hello-web',
        body: { reason: 'Try the new base', force: true },
      },
    ]);
    // The new run is listed and selected, its log followed.
    expect(await screen.findByText('Try the new base')).toBeInTheDocument();
    expect(
      await screen.findByText('Waiting for the first line…'),
    ).toBeInTheDocument();
    expect(api.openStreams(api.builds[0].id)).toHaveLength(1);
  });

  it('the status under "Build now" follows the run: queued, running, succeeded', async () => {
    const api = await renderTab();
    expect(await screen.findByText('No builds yet')).toBeInTheDocument();
    await userEvent.click(await findEnabledButton('Build now'));
    const status = () =>
      screen
        .getAllByRole('status')
        .find(s => s.textContent?.includes('Build of hello-web'))!;
    await waitFor(() =>
      expect(status()).toHaveTextContent('QueuedBuild of hello-web queued.'),
    );
    const id = api.builds[0].id;
    await waitFor(() => expect(api.openStreams(id)).toHaveLength(1));

    act(() => {
      api.emitRun(queuedRunFixture({ id, status: 'running' }));
    });
    await waitFor(() =>
      expect(status()).toHaveTextContent('RunningBuild of hello-web running.'),
    );
    act(() => {
      api.emitRun(buildRunFixture({ id }));
    });
    await waitFor(() =>
      expect(status()).toHaveTextContent(
        'SucceededBuild of hello-web succeeded.',
      ),
    );
  });

  it('opens the run named by ?run= (the link of an ImageBuild page)', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const older = buildRunFixture({}, 1);
    api.builds = [buildRunFixture({}, 2), older];
    await renderTab(api, undefined, `/?run=${older.id}`);
    expect(await screen.findByText(older.id)).toBeInTheDocument();
  });

  it('disables Build now while the request is sent', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.buildResults = ['pending'];
    await renderTab(api);

    await userEvent.click(await findEnabledButton('Build now'));
    expect(screen.getByRole('button', { name: 'Starting…' })).toBeDisabled();
    expect(screen.getByRole('textbox', { name: /Reason/ })).toBeDisabled();
    expect(api.buildRequests).toHaveLength(1);
  });

  it('shows why a build was refused', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.buildResults = [
      await responseError(
        403,
        'NotAllowedError',
        "user:default/guest may not build 'image:default/hello-web'",
      ),
    ];
    await renderTab(api);

    await userEvent.click(await findEnabledButton('Build now'));
    expect(
      await screen.findByText(/Not allowed to build this image/),
    ).toBeInTheDocument();
    expect(screen.getByText(/may not build/)).toBeInTheDocument();
    expect(buildNow()).toBeEnabled();
  });

  it('says when a build is already running, and shows that run', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const running = queuedRunFixture({ status: 'running' }, 3);
    api.builds = [running, buildRunFixture({}, 2)];
    await renderTab(api);

    await userEvent.click(await findEnabledButton('Build now'));
    expect(
      await screen.findByText(
        'A build of hello-web is already running: showing that run.',
      ),
    ).toBeInTheDocument();
    expect(api.builds).toHaveLength(2);
    expect(api.openStreams(running.id)).toHaveLength(1);
  });

  it('lists runs: digests of a success, the reason of a failure and of a skip', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.builds = [
      buildRunFixture({}, 3),
      buildRunFixture(
        {
          status: 'failed',
          errorType: 'build-failed',
          reason: 'linux/arm64: RUN npm ci exited with code 1',
          indexDigest: undefined,
        },
        2,
      ),
      buildRunFixture(
        {
          status: 'skipped',
          reason: 'up to date',
          cause: 'base-change',
          causeDetail: 'docker.io/library/nginx:1.27-alpine changed',
          requestedBy: undefined,
          platforms: [],
          indexDigest: undefined,
          durationMs: 40,
        },
        1,
      ),
    ];
    await renderTab(api);
    const row = (text: string) =>
      within(screen.getByText(text).closest('tr') as HTMLElement);

    const succeeded = row(
      (await screen.findByText(short(DIGESTS.index))).textContent!,
    );
    expect(succeeded.getByText('Succeeded')).toBeInTheDocument();
    expect(succeeded.getByText('Manual')).toBeInTheDocument();
    expect(succeeded.getByText('jane')).toBeInTheDocument();
    expect(succeeded.getByText('1 min 39 s')).toBeInTheDocument();
    expect(
      succeeded.getByText('localhost:5000/apps/hello-web:latest'),
    ).toBeInTheDocument();
    expect(succeeded.getByText(short(DIGESTS.index))).toHaveAttribute(
      'title',
      DIGESTS.index,
    );
    expect(
      succeeded.getByRole('button', { name: 'Copy index digest' }),
    ).toBeInTheDocument();
    expect(
      succeeded.getByRole('button', { name: 'Copy reference' }),
    ).toBeInTheDocument();

    const failed = row('linux/arm64: RUN npm ci exited with code 1');
    expect(failed.getByText('Failed')).toBeInTheDocument();
    expect(failed.queryByRole('button', { name: /Copy/ })).toBeNull();

    const skipped = row('up to date');
    expect(skipped.getByText('Skipped')).toBeInTheDocument();
    expect(skipped.getByText('Base image changed')).toBeInTheDocument();
    expect(
      skipped.getByText('docker.io/library/nginx:1.27-alpine changed'),
    ).toBeInTheDocument();
    expect(skipped.getByText('40 ms')).toBeInTheDocument();
  });

  it('shows the selected run: inputs, platforms with QEMU and durations', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const failed = buildRunFixture(
      {
        status: 'failed',
        reason: 'linux/arm64: RUN npm ci exited with code 1',
        indexDigest: undefined,
      },
      2,
    );
    api.builds = [failed, buildRunFixture({}, 1)];
    await renderTab(api);

    // The newest run is selected at first; a click selects another.
    const title = await screen.findByText(/^Run of/);
    expect(within(title).getByText('Failed')).toBeInTheDocument();
    const rows = screen.getAllByText('Succeeded');
    await userEvent.click(rows[0]);

    const platforms = await waitFor(() => platformsTable());
    await waitFor(() =>
      expect(platforms.getAllByText('Succeeded')).toHaveLength(2),
    );
    const arm = within(
      platforms.getByText('linux/arm64').closest('tr') as HTMLElement,
    );
    expect(arm.getByText('QEMU')).toBeInTheDocument();
    expect(arm.getByText('1 min 35 s')).toBeInTheDocument();
    expect(arm.getByText('2 s')).toBeInTheDocument();
    expect(arm.getByText(short(DIGESTS.arm64))).toBeInTheDocument();
    const amd = within(
      platforms.getByText('linux/amd64').closest('tr') as HTMLElement,
    );
    expect(amd.queryByText('QEMU')).toBeNull();
    expect(amd.getByText('12.3 s')).toBeInTheDocument();
    expect(amd.getByText('1.5 s')).toBeInTheDocument();

    expect(screen.getByText('0123456789ab')).toHaveAttribute(
      'title',
      '0123456789abcdef0123456789abcdef01234567',
    );
    expect(screen.getByText(short(DIGESTS.dockerfile))).toBeInTheDocument();
    expect(
      screen.getByText('docker.io/library/nginx:1.27-alpine'),
    ).toBeInTheDocument();
    expect(screen.getByText('NGINX_PORT=8080')).toBeInTheDocument();
  });

  it('shows a platform reused from an earlier run and the versioned tag', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const first = buildRunFixture({ versionTag: 'latest-20261122T100001Z' }, 1);
    api.builds = [
      buildRunFixture(
        {
          cause: 'base-change',
          inputs: { ...first.inputs, platforms: ['linux/amd64'] },
          versionTag: 'latest-20261123T080000Z',
          platforms: [
            first.platforms[0],
            {
              platform: 'linux/arm64',
              status: 'skipped',
              digest: DIGESTS.arm64,
              reusedFrom: first.id,
            },
          ],
        },
        2,
      ),
      { ...first, prunedAt: '2026-11-23T08:00:00.000Z' },
    ];
    await renderTab(api);

    expect(
      await screen.findByText('latest-20261123T080000Z'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'removed by the retention policy: latest-20261122T100001Z',
      ),
    ).toBeInTheDocument();
    const platforms = await waitFor(() => platformsTable());
    const arm = within(
      platforms.getByText('linux/arm64').closest('tr') as HTMLElement,
    );
    expect(arm.getByText('Skipped')).toBeInTheDocument();
    expect(arm.getByText(short(DIGESTS.arm64))).toBeInTheDocument();
    expect(
      arm.getByText('Reused from run 00000000: its bases did not change'),
    ).toBeInTheDocument();
  });

  it('streams the log of a running run live, then its final state', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const running = queuedRunFixture({ status: 'running' }, 4);
    api.builds = [running];
    api.buildLogs[running.id] = [logLine(1, 'Queued on local-docker')];
    await renderTab(api);

    await showsLine('Queued on local-docker');
    expect(
      screen.getByText('Following the log live (1 lines)'),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.openStreams(running.id)).toHaveLength(1));

    act(() => {
      api.emitLine(
        running.id,
        logLine(2, 'Step 1/4 : FROM nginx:1.27-alpine', {
          platform: 'linux/amd64',
        }),
      );
      api.emitLine(
        running.id,
        logLine(3, 'exec format error? no: emulated', {
          platform: 'linux/arm64',
        }),
      );
    });
    // Each platform's lines in its own list, the step read from its header.
    const platformLog = (platform: string) =>
      within(screen.getByRole('list', { name: `${platform} steps` }));
    await waitFor(() =>
      expect(
        platformLog('linux/amd64').getByRole('listitem', {
          name: 'Step 1/4 FROM nginx:1.27-alpine',
        }),
      ).toBeInTheDocument(),
    );
    expect(
      platformLog('linux/arm64').getByText('exec format error? no: emulated'),
    ).toBeInTheDocument();

    // Only one platform's lines.
    await userEvent.click(
      screen.getByRole('button', { name: /All platforms/ }),
    );
    await userEvent.click(screen.getByRole('option', { name: 'linux/arm64' }));
    await showsLine('exec format error? no: emulated');
    expect(
      screen.queryByRole('list', { name: 'linux/amd64 steps' }),
    ).toBeNull();
    expect(screen.getByRole('log')).not.toHaveTextContent('Step 1/4');
    expect(screen.getByRole('log')).not.toHaveTextContent('Queued on');

    act(() => {
      api.emitRun(buildRunFixture({ id: running.id }, 4));
    });
    expect(await screen.findByText('3 lines')).toBeInTheDocument();
    await waitFor(() =>
      expect(platformsTable().getAllByText('Succeeded')).toHaveLength(2),
    );
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
    // The list is read again once the run has finished.
    await waitFor(() =>
      expect(screen.getAllByText(short(DIGESTS.index)).length).toBeGreaterThan(
        0,
      ),
    );
  });

  it('shows when the log can no longer be followed', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const running = queuedRunFixture({ status: 'running' }, 4);
    api.builds = [running];
    await renderTab(api);
    await waitFor(() => expect(api.openStreams(running.id)).toHaveLength(1));

    act(() => api.failStreams(running.id, new Error('Network is down')));
    expect(
      await screen.findByText(/The log can no longer be followed/),
    ).toBeInTheDocument();
  });

  it('cancels a queued run', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const queued = queuedRunFixture({}, 5);
    api.builds = [queued];
    await renderTab(api);

    await userEvent.click(await findEnabledButton('Cancel run'));
    expect(api.buildRequests).toEqual([{ call: 'cancel', target: queued.id }]);
    expect(
      await screen.findAllByText('Cancelled by user:default/guest'),
    ).not.toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
  });

  it('refreshes the list while a run is active', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.builds = [queuedRunFixture({}, 6)];
    await renderTab(api);
    await findEnabledButton('Cancel run');
    await waitFor(() =>
      expect(api.listBuildsCalls.length).toBeGreaterThanOrEqual(3),
    );
  });

  it('warns outside an Image entity', async () => {
    await renderTab(undefined, {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web' },
    });
    expect(screen.getByText(/Not an image/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Build now' })).toBeNull();
  });

  // An image of its own: usePermission caches answers per image.
  it('disables Build now and Cancel run, naming the missing permission, for a user without it', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    const queued = queuedRunFixture(
      { imageName: 'busybox-base', entityRef: 'image:default/busybox-base' },
      5,
    );
    api.builds = [queued];
    await renderTab(api, exampleImage('busybox-base'), '/', [
      { name: 'image-factory.image.build' },
    ]);
    // Denied controls are re-mounted inside their tooltip: query them afresh.
    const cancel = () => screen.getByRole('button', { name: 'Cancel run' });
    await waitFor(() => expect(buildNow()).toBeDisabled());
    await waitFor(() => expect(cancel()).toBeDisabled());

    await userEvent.hover(buildNow().parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You need the permission image-factory.image.build on image:default/busybox-base',
    );
    await userEvent.unhover(buildNow().parentElement!);
    await userEvent.hover(cancel().parentElement!);
    await waitFor(() =>
      expect(screen.getByRole('tooltip')).toHaveTextContent(
        'image-factory.image.build',
      ),
    );
    expect(api.buildRequests).toEqual([]);
  });
});
