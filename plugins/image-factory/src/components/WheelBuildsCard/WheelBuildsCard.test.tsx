import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { WheelEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { emptyStatus } from '../../__fixtures__/status';
import { mockLogViewerLayout } from '../../__testUtils__/logViewerLayout';
import { WheelBuildsCard } from './WheelBuildsCard';

const entity: WheelEntityV1alpha1 = {
  apiVersion: 'imagefactory.dev/v1alpha1',
  kind: 'Wheel',
  metadata: { name: 'markupsafe' },
  spec: {
    package: 'markupsafe',
    versions: ['2.1.2'],
    targets: [{ python: 'cp311', platform: 'linux/s390x' }],
    status: 'failed',
  },
};

function api() {
  const fixture = new InMemoryImageFactoryApi(emptyStatus);
  fixture.refinery.wheels = [
    {
      project: 'markupsafe',
      versions: ['2.1.2'],
      files: [
        {
          filename: 'MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl',
          version: '2.1.2',
          architecture: 'x86_64',
          sha256: 'b'.repeat(64),
          yanked: false,
        },
      ],
      sets: ['web-templating'],
      builders: {},
      status: 'failed',
      latest: [
        {
          id: 'job-s390x',
          runId: 'run-1',
          python: 'cp311',
          platform: 'linux/s390x',
          project: 'markupsafe',
          version: '2.1.2',
          round: 0,
          status: 'failed',
          emulated: true,
          cause: 'timeout',
          error: 'The build ran past its timeout of 30m',
          attempts: [
            {
              attempt: 1,
              hints: 'none',
              durationMs: 1_800_000,
              emulated: true,
              cause: 'timeout',
            },
          ],
          files: [],
          durationMs: 1_800_000,
        },
      ],
    },
  ];
  fixture.refinery.logs['job-s390x'] = [
    {
      seq: 1,
      stream: 'system',
      time: new Date().toISOString(),
      text: 'Killed after 30m',
    },
  ];
  return fixture;
}

describe('WheelBuildsCard', () => {
  afterEach(() => jest.restoreAllMocks());

  it("shows the wheel's files and its latest build per target, with the failure and the log", async () => {
    mockLogViewerLayout();
    await renderInTestApp(
      <TestApiProvider apis={[[imageFactoryApiRef, api()]]}>
        <EntityProvider entity={entity}>
          <WheelBuildsCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/image-factory': rootRouteRef } },
    );
    expect(
      await screen.findByText(
        'MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl (x86_64)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('1 wheel in the index')).toBeInTheDocument();
    expect(screen.getByText('QEMU')).toBeInTheDocument();
    expect(
      screen.getByText('timeout: The build ran past its timeout of 30m'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Log' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(/Killed after 30m/),
    ).toBeInTheDocument();
  });
});
