import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ImageStageList } from '@image-factory/plugin-image-factory-common';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { emptyStatus } from '../../__fixtures__/status';
import {
  digest,
  renderTab,
  stagedImage as image,
} from '../../__testUtils__/lifecycleTab';
import { mockLogViewerLayout } from '../../__testUtils__/logViewerLayout';

jest.setTimeout(30_000);

const D = { v1: digest('11aa'), v2: digest('22bb') };

/** dev checks `smoke`; v2 passed on both platforms, v1 failed on s390x. */
function stageList(): ImageStageList {
  return {
    stages: [
      {
        name: 'dev',
        tag: 'dev',
        promotion: 'auto',
        checks: ['smoke'],
        digest: D.v2,
      },
      { name: 'prod', tag: 'prod', promotion: 'manual', digest: D.v2 },
    ],
    moves: [],
    verifications: [
      {
        id: 'ver-2',
        stage: 'dev',
        digest: D.v2,
        status: 'passed',
        results: [
          {
            check: 'smoke',
            platform: 'linux/amd64',
            executor: 'local-docker',
            emulated: false,
            status: 'passed',
            exitCode: 0,
            durationMs: 73,
          },
          {
            check: 'smoke',
            platform: 'linux/s390x',
            executor: 'local-docker',
            emulated: true,
            status: 'passed',
            exitCode: 0,
            durationMs: 1260,
          },
        ],
        createdAt: '2026-12-06T02:00:18.000Z',
        finishedAt: '2026-12-06T02:00:19.000Z',
      },
      {
        id: 'ver-1',
        stage: 'dev',
        digest: D.v1,
        status: 'failed',
        results: [
          {
            check: 'smoke',
            platform: 'linux/s390x',
            executor: 'local-docker',
            emulated: true,
            status: 'failed',
            exitCode: 1,
            durationMs: 900,
          },
        ],
        createdAt: '2026-12-05T02:00:18.000Z',
        finishedAt: '2026-12-05T02:00:19.000Z',
      },
    ],
    updateRequests: [
      {
        stage: 'prod',
        repository: 'team-web/deploy',
        digest: D.v2,
        branch: 'image-factory/hello-web-prod',
        number: 7,
        url: 'https://github.example/team-web/deploy/pull/7',
        state: 'open',
        updatedAt: '2026-12-06T02:01:00.000Z',
      },
      {
        stage: 'prod',
        repository: 'team-web/helm',
        digest: D.v2,
        branch: 'image-factory/hello-web-prod',
        state: 'failed',
        error: "values.yaml: no image field references 'localhost:5000/x'",
        updatedAt: '2026-12-06T02:01:00.000Z',
      },
    ],
  };
}

function setup(name: string) {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.lifecycle.lists[name] = stageList();
  return api;
}

describe('ImageLifecycleContent: verifications and update pull requests', () => {
  it('shows each verification with every check on every platform, QEMU marked', async () => {
    await renderTab(setup('checks'), image('checks'));

    await screen.findByText('Verifications');
    const table = screen;
    expect(
      table.getByText('smoke · linux/s390x (QEMU): passed, 1.3 s'),
    ).toBeInTheDocument();
    expect(
      table.getByText('smoke · linux/amd64: passed, 73 ms'),
    ).toBeInTheDocument();
    expect(
      table.getByText('smoke · linux/s390x (QEMU): failed (exit 1), 900 ms'),
    ).toBeInTheDocument();
    const row = (text: string) => within(table.getByText(text).closest('tr')!);
    expect(
      row('smoke · linux/amd64: passed, 73 ms').getByText('passed'),
    ).toBeInTheDocument();
    expect(
      row('smoke · linux/s390x (QEMU): failed (exit 1), 900 ms').getByText(
        'failed',
      ),
    ).toBeInTheDocument();
  });

  it("opens a verification's log, each line with its platform", async () => {
    mockLogViewerLayout();
    const api = setup('log');
    api.verificationLogs['ver-1'] = [
      {
        seq: 1,
        platform: 'linux/s390x',
        stream: 'build',
        time: '2026-12-05T02:00:18.500Z',
        text: 'grep: /www/index.html: No such file or directory',
      },
    ];
    await renderTab(api, image('log'));

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Log of the checks of sha256:11aa11aa11aa… for dev',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Checks of sha256:11aa11aa11aa… for dev'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(dialog).toHaveTextContent(
        '[linux/s390x] grep: /www/index.html: No such file or directory',
      ),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    jest.restoreAllMocks();
  });

  it('lists the update pull requests with their state, a link, or why they failed', async () => {
    await renderTab(setup('updates'), image('updates'));

    const link = await screen.findByRole('link', {
      name: /team-web\/deploy#7/,
    });
    expect(link).toHaveAttribute(
      'href',
      'https://github.example/team-web/deploy/pull/7',
    );
    expect(screen.getByText('open')).toBeInTheDocument();
    expect(
      screen.getByText(
        "values.yaml: no image field references 'localhost:5000/x'",
      ),
    ).toBeInTheDocument();
  });

  it('shows no verification table when no stage has checks', async () => {
    const api = setup('plain');
    const list = api.lifecycle.lists.plain;
    list.stages = list.stages.map(s => ({ ...s, checks: undefined }));
    list.verifications = [];
    await renderTab(api, image('plain'));

    await screen.findAllByRole('region', { name: /^Stage / });
    expect(screen.queryByText('Verifications')).not.toBeInTheDocument();
  });
});
