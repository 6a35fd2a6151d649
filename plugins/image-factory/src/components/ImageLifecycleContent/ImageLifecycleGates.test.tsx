import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ImageStageList,
  LIFECYCLE_SIGNAL_CHANNEL,
  imageFactoryApprovePermission,
} from '@image-factory/plugin-image-factory-common';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { responseError } from '../../__fixtures__/enrollments';
import { emptyStatus } from '../../__fixtures__/status';
import { findEnabledButton } from '../../__testUtils__/permissions';
import { TestSignalApi } from '../../__testUtils__/signals';
import {
  column,
  digest,
  renderTab,
  stagedImage as image,
  submitDialog,
} from '../../__testUtils__/lifecycleTab';

jest.setTimeout(30_000);

const D = { v1: digest('11aa'), v2: digest('22bb'), v3: digest('33cc') };

/**
 * dev (auto) holds v3; staging (manual, checks) holds v2 and waits for the
 * verification of v3; prod (approval by two groups, soak) holds v1 and
 * waits for an approval of v2 that joe asked for.
 */
function gatedList(): ImageStageList {
  return {
    stages: [
      {
        name: 'dev',
        tag: 'dev',
        promotion: 'auto',
        digest: D.v3,
        updates: [
          {
            repository: 'acme/deploy',
            file: 'dev/kustomization.yaml',
            kind: 'kustomize',
          },
          { repository: 'acme/deploy', file: 'dev/values.yaml', kind: 'helm' },
          { repository: 'acme/infra', file: 'Dockerfile', kind: 'dockerfile' },
        ],
      },
      {
        name: 'staging',
        tag: 'staging',
        promotion: 'manual',
        checks: ['smoke', 'trivy'],
        digest: D.v2,
      },
      {
        name: 'prod',
        tag: 'prod',
        promotion: 'approval',
        approvers: ['group:default/web-team', 'group:ops/sre'],
        soak: '1h',
        digest: D.v1,
        previousDigest: digest('44dd'),
      },
    ],
    moves: [
      {
        id: 'w-staging',
        stage: 'staging',
        action: 'promote',
        fromDigest: D.v2,
        toDigest: D.v3,
        status: 'waiting',
        waitingFor: 'verification',
        trigger: 'auto',
        createdAt: '2026-12-05T08:00:00.000Z',
      },
      {
        id: 'w-prod',
        stage: 'prod',
        action: 'promote',
        fromDigest: D.v1,
        toDigest: D.v2,
        requestedBy: 'user:default/joe',
        reason: 'staging soaked',
        status: 'waiting',
        waitingFor: 'approval',
        trigger: 'user',
        createdAt: '2026-12-05T07:00:00.000Z',
      },
      {
        id: 'r-prod',
        stage: 'prod',
        action: 'promote',
        toDigest: D.v3,
        requestedBy: 'user:default/joe',
        status: 'rejected',
        trigger: 'user',
        decidedBy: 'user:default/ann',
        decisionReason: 'no change window',
        createdAt: '2026-12-04T07:00:00.000Z',
      },
    ],
  };
}

function setup(name: string) {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.lifecycle.lists[name] = gatedList();
  return api;
}

const tableRow = (text: string) =>
  within(screen.getByText(text).closest('tr')!);

describe('ImageLifecycleContent gates', () => {
  it("shows each stage's policy, the moves under way and the decided ones", async () => {
    await renderTab(setup('policy'), image('policy'));

    await screen.findAllByRole('region', { name: /^Stage / });
    expect(
      within(screen.getByLabelText('Policy of dev'))
        .getByText('2 repositories updated')
        .closest('[title]'),
    ).toHaveAttribute(
      'title',
      'acme/deploy: dev/kustomization.yaml\nacme/deploy: dev/values.yaml\nacme/infra: Dockerfile',
    );
    expect(screen.getByLabelText('Policy of dev')).toHaveTextContent(/^auto/);
    expect(screen.getByLabelText('Policy of staging')).toHaveTextContent(
      'manualchecks: smoke, trivy',
    );
    expect(screen.getByLabelText('Policy of prod')).toHaveTextContent(
      'approval by web-team, ops/sresoak 1h',
    );

    // staging waits for its checks, with a progress bar and no decision.
    expect(
      column('staging').getByText('Waiting for verification'),
    ).toBeInTheDocument();
    expect(
      column('staging').getByRole('progressbar', {
        name: 'Waiting for verification',
      }),
    ).toBeInTheDocument();
    expect(column('staging').getByText(/promoted by auto/)).toHaveTextContent(
      'sha256:33cc33cc33cc… promoted by auto',
    );
    expect(
      column('staging').queryByRole('button', { name: 'Approve' }),
    ).toBeNull();

    // prod waits for an approver.
    expect(
      column('prod').getByText('Waiting for approval'),
    ).toBeInTheDocument();
    expect(
      column('prod').getByText(/promoted by user:default\/joe/),
    ).toBeInTheDocument();
    expect(column('prod').queryByRole('progressbar')).toBeNull();
    // While a move waits, the stage takes no other (the backend answers 409).
    await findEnabledButton('Approve');
    for (const name of ['Promote from staging', 'Roll back']) {
      expect(column('prod').getByRole('button', { name })).toBeDisabled();
    }
    await userEvent.hover(
      column('prod').getByRole('button', { name: 'Roll back' }).parentElement!,
    );
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'prod is being moved already (waiting for approval); decide or wait for that move first',
    );

    // The history: auto, waiting and rejected with who and why.
    expect(
      tableRow('waiting for verification').getByText('auto'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('rejected by user:default/ann: no change window'),
    ).toBeInTheDocument();
  });

  it('approves with the reason given, shows the expected state at once, and then the stage as reloaded', async () => {
    const api = setup('approve');
    api.lifecycle.results = ['pending'];
    await renderTab(api, image('approve'));

    await userEvent.click(await findEnabledButton('Approve'));
    expect(
      within(await screen.findByRole('dialog')).getByText(
        /Moves the :prod tag to sha256:22bb22bb22bb…, asked by user:default\/joe \(staging soaked\)/,
      ),
    ).toBeInTheDocument();
    await submitDialog('change window open', 'Approve');

    expect(api.lifecycle.requests).toEqual([
      {
        action: 'approve',
        name: 'approve',
        stage: 'prod',
        moveId: 'w-prod',
        body: { reason: 'change window open' },
      },
    ]);
    // In flight: the move is expected to be moving the tag, and prod's buttons wait.
    expect(column('prod').getByText('Moving :prod')).toBeInTheDocument();
    expect(
      column('prod').getByRole('button', { name: 'Roll back' }),
    ).toBeDisabled();
    expect(
      column('prod').queryByRole('button', { name: 'Approve' }),
    ).toBeNull();
  });

  it('reconciles an approval from the answer: prod holds the digest and the decision is in the history', async () => {
    const api = setup('approved');
    await renderTab(api, image('approved'));

    await userEvent.click(await findEnabledButton('Approve'));
    await submitDialog('go', 'Approve');

    await waitFor(() =>
      expect(
        column('prod').getByText('sha256:22bb22bb22bb…'),
      ).toBeInTheDocument(),
    );
    expect(column('prod').queryByText('Waiting for approval')).toBeNull();
    expect(
      screen.getByText('approved by user:default/guest: go'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/was refused/)).toBeNull();
  });

  it('rejects with the reason, and prod keeps what it held', async () => {
    const api = setup('reject');
    await renderTab(api, image('reject'));

    await userEvent.click(await findEnabledButton('Reject'));
    expect(
      within(await screen.findByRole('dialog')).getByText(
        /prod keeps sha256:11aa11aa11aa… instead of sha256:22bb22bb22bb…/,
      ),
    ).toBeInTheDocument();
    await submitDialog('not tonight', 'Reject');

    await waitFor(() =>
      expect(
        screen.getByText('rejected by user:default/guest: not tonight'),
      ).toBeInTheDocument(),
    );
    expect(api.lifecycle.requests[0]).toMatchObject({
      action: 'reject',
      moveId: 'w-prod',
      body: { reason: 'not tonight' },
    });
    expect(
      column('prod').getByText('sha256:11aa11aa11aa…'),
    ).toBeInTheDocument();
    expect(column('prod').queryByText('Waiting for approval')).toBeNull();
  });

  it("shows the backend's 403 as it is, and the move still waiting", async () => {
    const api = setup('own');
    const message =
      "user:default/guest may not approve the promotion of 'prod' they asked for";
    api.lifecycle.results = [
      await responseError(403, 'NotAllowedError', message),
    ];
    await renderTab(api, image('own'));

    await userEvent.click(await findEnabledButton('Approve'));
    await submitDialog('', 'Approve');

    expect(
      await screen.findByText('Error: The approval was refused'),
    ).toBeInTheDocument();
    expect(screen.getAllByText(message).length).toBeGreaterThan(0);
    expect(
      column('prod').getByText('Waiting for approval'),
    ).toBeInTheDocument();
    expect(api.lifecycle.requests[0].body).toEqual({});
  });

  it('disables Approve and Reject, naming the permission, when stage.approve is denied', async () => {
    await renderTab(setup('no-approve'), image('no-approve'), [
      { name: imageFactoryApprovePermission.name },
    ]);

    await findEnabledButton('Promote a build');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled(),
    );
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
    await userEvent.hover(
      screen.getByRole('button', { name: 'Approve' }).parentElement!,
    );
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You need the permission image-factory.stage.approve on image:default/no-approve/prod',
    );
  });

  it('shows a promotion the backend accepted as waiting (202), not as an error', async () => {
    const api = setup('accepted');
    const list = api.lifecycle.lists.accepted;
    list.moves = list.moves.filter(m => m.id !== 'w-prod');
    await renderTab(api, image('accepted'));

    await userEvent.click(await findEnabledButton('Promote from staging'));
    await submitDialog('ready', 'Promote');

    await waitFor(() =>
      expect(api.lifecycle.listCalls.length).toBeGreaterThan(1),
    );
    expect(
      column('prod').getByText('Waiting for approval'),
    ).toBeInTheDocument();
    expect(column('prod').getByText('ready')).toBeInTheDocument();
    expect(
      column('prod').getByText('sha256:11aa11aa11aa…'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/The promotion/)).toBeNull();
  });

  it('reloads when the backend signals a change of this image, not of another', async () => {
    const api = setup('live');
    const signals = new TestSignalApi();
    await renderTab(api, image('live'), [], signals);
    await screen.findAllByRole('region', { name: /^Stage / });
    await waitFor(() =>
      expect(signals.count(LIFECYCLE_SIGNAL_CHANNEL)).toBe(1),
    );

    // Another browser approved prod: the backend's state changed, then it signalled.
    const list = api.lifecycle.lists.live;
    list.stages[2].digest = D.v2;
    list.moves = list.moves.filter(m => m.id !== 'w-prod');
    const calls = api.lifecycle.listCalls.length;

    signals.publish(LIFECYCLE_SIGNAL_CHANNEL, { imageName: 'other' });
    expect(api.lifecycle.listCalls.length).toBe(calls);
    signals.publish(LIFECYCLE_SIGNAL_CHANNEL, { imageName: 'live' });

    await waitFor(() =>
      expect(
        column('prod').getByText('sha256:22bb22bb22bb…'),
      ).toBeInTheDocument(),
    );
    expect(column('prod').queryByText('Waiting for approval')).toBeNull();
    expect(api.lifecycle.listCalls.length).toBe(calls + 1);
  });

  it('catches up when the page becomes visible again or the browser is back online, since missed signals are not replayed', async () => {
    const api = setup('asleep');
    await renderTab(api, image('asleep'));
    await screen.findAllByRole('region', { name: /^Stage / });

    const list = api.lifecycle.lists.asleep;
    list.stages[2].digest = D.v2;
    list.moves = list.moves.filter(m => m.id !== 'w-prod');
    const calls = api.lifecycle.listCalls.length;

    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => expect(api.lifecycle.listCalls.length).toBe(calls + 1));
    await waitFor(() =>
      expect(column('prod').queryByText('Waiting for approval')).toBeNull(),
    );
    expect(
      column('prod').getByText('sha256:22bb22bb22bb…'),
    ).toBeInTheDocument();

    window.dispatchEvent(new Event('online'));
    await waitFor(() => expect(api.lifecycle.listCalls.length).toBe(calls + 2));
  });
});
