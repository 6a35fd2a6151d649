import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SWRConfig } from 'swr';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  RefineryRunDetail,
  WheelSetList,
} from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { mockLogViewerLayout } from '../../__testUtils__/logViewerLayout';
import { permissionApi } from '../../__testUtils__/permissions';
import { emptyStatus } from '../../__fixtures__/status';
import { responseError } from '../../__fixtures__/enrollments';
import { RefineryPage } from './RefineryPage';

jest.setTimeout(30_000);

const sets: WheelSetList = {
  location: 'examples/config/wheels.yaml',
  sets: [
    {
      name: 'science',
      owner: 'group:default/data',
      requirements: ['markupsafe==2.1.2', 'cffi==1.15.1'],
      targets: [{ python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] }],
      builder: 'wheel-builder',
      upstream: 'http://127.0.0.1:7011/simple/',
      timeout: '30m',
    } as WheelSetList['sets'][number],
  ],
  issues: [
    {
      path: 'wheelSets[1].requirements[0]',
      message: "'numpy>>2' is not a version specifier",
      entry: 'broken',
      line: 12,
      text: "wheelSets[1].requirements[0] (line 12): 'numpy>>2' is not a version specifier",
    },
  ],
};

function failedRun(): RefineryRunDetail {
  return {
    id: 'run-1',
    set: 'science',
    status: 'failed',
    requestedBy: 'user:default/ada',
    targets: [
      {
        python: 'cp311',
        platform: 'linux/amd64',
        items: [
          {
            project: 'markupsafe',
            version: '2.1.2',
            action: 'built',
            buildAfter: [],
          },
          {
            project: 'pycparser',
            version: '2.21',
            action: 'upstream-wheel',
            buildAfter: [],
          },
          {
            project: 'cffi',
            version: '1.15.1',
            action: 'build',
            buildAfter: [],
          },
        ],
        rounds: [['cffi']],
        builder:
          'localhost:5000/base/wheel-builder@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        builderImage: 'image:default/wheel-builder',
      },
      {
        python: 'cp311',
        platform: 'linux/s390x',
        error: 'No builder for linux/s390x',
        items: [],
        rounds: [],
      },
    ],
    progress: { total: 1, finished: 1, failed: 1, running: 0 },
    failuresByCause: { 'missing-header': 1 },
    error:
      '1 of 1 builds failed (missing-header: 1): cffi 1.15.1 on linux/amd64',
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    jobs: [
      {
        id: 'job-1',
        runId: 'run-1',
        python: 'cp311',
        platform: 'linux/amd64',
        project: 'cffi',
        version: '1.15.1',
        round: 0,
        status: 'failed',
        emulated: false,
        cause: 'missing-header',
        error: 'fatal error: ffi.h: No such file or directory',
        attempts: [
          {
            attempt: 1,
            hints: 'none',
            durationMs: 9000,
            emulated: false,
            cause: 'missing-header',
          },
        ],
        files: [],
        durationMs: 9000,
      },
    ],
  };
}

async function renderPage(api: InMemoryImageFactoryApi, denied: string[] = []) {
  await renderInTestApp(
    // usePermission keeps answers in SWR's cache: each test asks afresh.
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [imageFactoryApiRef, api],
          [
            discoveryApiRef,
            {
              getBaseUrl: async (id: string) =>
                `http://localhost:7007/api/${id}`,
            },
          ],
          permissionApi(denied.map(name => ({ name }))),
        ]}
      >
        <RefineryPage />
      </TestApiProvider>
    </SWRConfig>,
    {
      mountedRoutes: {
        '/image-factory': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

function refinery() {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.refinery.sets = sets;
  api.refinery.runs = [failedRun()];
  api.refinery.queue = { queued: 2, running: 1, waiting: 0, planning: 0 };
  api.refinery.wheels = [
    {
      project: 'markupsafe',
      versions: ['2.1.2'],
      files: [
        {
          filename: 'MarkupSafe-2.1.2-cp311-cp311-linux_s390x.whl',
          version: '2.1.2',
          architecture: 's390x',
          sha256: 'a'.repeat(64),
          yanked: false,
        },
      ],
      sets: ['science'],
      builders: {},
      latest: [],
      status: 'built',
    },
  ];
  api.refinery.logs['job-1'] = [
    {
      seq: 1,
      stream: 'build',
      platform: 'linux/amd64',
      time: new Date().toISOString(),
      text: 'c/_cffi_backend.c:15:10: fatal error: ffi.h: No such file or directory',
    },
  ];
  return api;
}

describe('RefineryPage', () => {
  afterEach(() => jest.restoreAllMocks());

  it('shows the sets with the problems of wheels.yaml, the queue, the latest run with its plan and failures, and the wheels', async () => {
    await renderPage(refinery());
    expect(
      await screen.findByRole('button', { name: 'Run science' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        "wheelSets[1].requirements[0] (line 12): 'numpy>>2' is not a version specifier",
      ),
    ).toBeInTheDocument();
    // Which image the set builds in.
    const setRow = screen.getByRole('row', { name: /markupsafe==2\.1\.2/ });
    expect(within(setRow).getByText('wheel-builder')).toBeInTheDocument();
    expect(screen.getByText('queued 2')).toBeInTheDocument();
    expect(screen.getByText('running 1')).toBeInTheDocument();
    // The latest run is shown: its plan per target and why it failed.
    expect(
      screen.getByText('markupsafe 2.1.2: built before'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('pycparser 2.21: upstream has a wheel'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Not planned: No builder for linux/s390x'),
    ).toBeInTheDocument();
    // Who asked for the run, linked.
    expect(screen.getAllByRole('link', { name: 'ada' })[0]).toHaveAttribute(
      'href',
      '/catalog/default/user/ada',
    );
    // The target ran in the factory's builder image, linked to its page.
    expect(screen.getByRole('link', { name: 'wheel-builder' })).toHaveAttribute(
      'href',
      '/catalog/default/image/wheel-builder',
    );
    expect(screen.getByText(/sha256:0123456789ab\)/)).toBeInTheDocument();
    expect(screen.getAllByText('missing-header: 1').length).toBeGreaterThan(0);
    const builds = screen.getByText('Builds').closest('table') ?? document.body;
    expect(
      within(builds as HTMLElement).getByText('native'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'missing-header: fatal error: ffi.h: No such file or directory',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('MarkupSafe-2.1.2-cp311-cp311-linux_s390x.whl'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'pip install --index-url http://localhost:7007/api/image-factory/refinery/simple/ <package>',
      ),
    ).toBeInTheDocument();
  });

  it("opens a build's log", async () => {
    mockLogViewerLayout();
    await renderPage(refinery());
    await userEvent.click(await screen.findByRole('button', { name: 'Log' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('cffi 1.15.1 for cp311 · linux/amd64'),
    ).toBeInTheDocument();
    expect(
      await within(dialog).findByText(/fatal error: ffi\.h/),
    ).toBeInTheDocument();
  });

  it('queues a run of a set and shows it', async () => {
    const api = refinery();
    await renderPage(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Run science' }),
    );
    await waitFor(() => expect(api.refinery.started).toEqual(['science']));
    expect(
      await screen.findByText('Waiting for a worker to plan it.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Run of science')).toBeInTheDocument();
  });

  it('disables Run without the permission, and says why', async () => {
    await renderPage(refinery(), ['image-factory.refinery.run']);
    const button = await screen.findByRole('button', { name: 'Run science' });
    await waitFor(() => expect(button).toBeDisabled());
    expect(
      screen.getByTitle('You need the permission image-factory.refinery.run'),
    ).toBeInTheDocument();
  });

  it('cancels a running run', async () => {
    const api = refinery();
    const running = failedRun();
    running.status = 'building';
    delete running.error;
    running.jobs = running.jobs.map(j => ({
      ...j,
      status: 'running' as const,
    }));
    api.refinery.runs = [running];
    await renderPage(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Cancel run' }),
    );
    await waitFor(() => expect(api.refinery.cancelled).toEqual(['run-1']));
    expect(
      await screen.findByText('Cancelled by user:default/guest'),
    ).toBeInTheDocument();
    // An ended run has no Cancel button.
    expect(
      screen.queryByRole('button', { name: 'Cancel run' }),
    ).not.toBeInTheDocument();
  });

  it('disables Cancel run without the permission, and says why', async () => {
    const api = refinery();
    api.refinery.runs = [{ ...failedRun(), status: 'planning' }];
    await renderPage(api, ['image-factory.refinery.run']);
    const button = await screen.findByRole('button', { name: 'Cancel run' });
    await waitFor(() => expect(button).toBeDisabled());
  });

  it('says where wheel sets come from when none are configured', async () => {
    const api = refinery();
    api.refinery.sets = new Error(
      'No wheel sets: set imageFactory.refinery.wheels.location to a wheels.yaml',
    );
    api.refinery.runs = [];
    await renderPage(api);
    expect(await screen.findByText(/No wheel sets$/)).toBeInTheDocument();
    expect(
      screen.getByText(/set imageFactory\.refinery\.wheels\.location/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No run yet: press Run on a wheel set'),
    ).toBeInTheDocument();
  });

  it('enrolls a wheel set through a pull request, checking each field as it is filled', async () => {
    const api = refinery();
    api.refinery.sets = {
      ...sets,
      builderPlatforms: ['linux/amd64', 'linux/s390x'],
    };
    await renderPage(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Enroll wheel set' }),
    );
    const dialog = await screen.findByRole('dialog');
    // Only the platforms the refinery has builders for are offered.
    expect(
      within(dialog)
        .getAllByRole('checkbox')
        .map(c => c.closest('label')?.textContent),
    ).toEqual(['linux/amd64', 'linux/s390x']);
    const field = (name: RegExp) =>
      within(dialog).getByRole('textbox', { name });
    // Where the sets already come from is where a new one likely does.
    expect(field(/Upstream index/)).toHaveValue(
      'http://127.0.0.1:7011/simple/',
    );
    await userEvent.type(field(/^Name/), 'Numeric');
    await userEvent.type(field(/^Requirements/), 'msgpack=1.0.3');
    await userEvent.click(field(/^Python/));
    expect(
      within(dialog).getByText(
        'must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByText(/^line 1: /)).toBeInTheDocument();
    await userEvent.clear(field(/^Name/));
    await userEvent.type(field(/^Name/), 'numeric');
    await userEvent.clear(field(/^Requirements/));
    await userEvent.type(field(/^Requirements/), 'msgpack==1.0.3');
    await userEvent.clear(field(/^Owner/));
    await userEvent.type(field(/^Owner/), 'group:default/data');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Open pull request' }),
    );
    expect(
      await within(dialog).findByText('Pull request opened'),
    ).toBeInTheDocument();
    expect(api.requests).toEqual([
      {
        action: 'enroll',
        body: {
          set: {
            name: 'numeric',
            owner: 'group:default/data',
            requirements: ['msgpack==1.0.3'],
            targets: [
              { python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] },
            ],
            builder: 'wheel-builder',
            upstream: 'http://127.0.0.1:7011/simple/',
          },
        },
      },
    ]);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    // The change request is listed on the page until it is merged.
    expect(await screen.findByText('wheel set')).toBeInTheDocument();
    expect(screen.getByText('numeric')).toBeInTheDocument();
  });

  it("shows the backend's refusal of a set at its field", async () => {
    const api = refinery();
    api.writeResults.push(
      await responseError(
        400,
        'InputError',
        'Invalid request body: set.targets[0].platforms[1]: the refinery has no builder for linux/ppc64le (imageFactory.refinery.builders has linux/amd64)',
      ),
    );
    await renderPage(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Enroll wheel set' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /^Name/ }),
      'numeric',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /^Requirements/ }),
      'msgpack==1.0.3',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /^Owner/ }),
      'group:default/data',
    );
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'linux/ppc64le' }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Open pull request' }),
    );
    expect(
      await within(dialog).findByText(/The enroll request is not valid/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'the refinery has no builder for linux/ppc64le (imageFactory.refinery.builders has linux/amd64)',
      ),
    ).toBeInTheDocument();
  });

  it('disables Enroll wheel set without the permission, and says why', async () => {
    await renderPage(refinery(), ['image-factory.wheel-set.enroll']);
    const button = await screen.findByRole('button', {
      name: 'Enroll wheel set',
    });
    await waitFor(() => expect(button).toBeDisabled());
    expect(
      screen.getByTitle(
        'You need the permission image-factory.wheel-set.enroll',
      ),
    ).toBeInTheDocument();
  });
});
