import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ImageStageList,
  imageFactoryPromotePermission,
} from '@image-factory/plugin-image-factory-common';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { buildRunFixture } from '../../__fixtures__/builds';
import { emptyStatus } from '../../__fixtures__/status';
import { findEnabledButton } from '../../__testUtils__/permissions';
import {
  column,
  digest,
  renderTab,
  stagedImage as image,
  submitDialog,
} from '../../__testUtils__/lifecycleTab';

jest.setTimeout(30_000);

const D = { v1: digest('11aa'), v2: digest('22bb'), v3: digest('33cc') };

/** dev holds v3, staging v2 (v1 before), prod nothing. */
function stageList(): ImageStageList {
  return {
    stages: [
      {
        name: 'dev',
        tag: 'dev',
        promotion: 'auto',
        digest: D.v3,
        previousDigest: D.v2,
        updatedAt: '2026-12-05T07:00:00.000Z',
        updatedBy: 'user:default/jane',
      },
      {
        name: 'staging',
        tag: 'staging',
        promotion: 'manual',
        digest: D.v2,
        previousDigest: D.v1,
        updatedAt: '2026-12-04T07:00:00.000Z',
        updatedBy: 'user:default/joe',
      },
      { name: 'prod', tag: 'prod', promotion: 'manual' },
    ],
    moves: [
      {
        id: 'm1',
        stage: 'staging',
        action: 'promote',
        fromDigest: D.v1,
        toDigest: D.v2,
        requestedBy: 'user:default/joe',
        reason: 'tests green',
        status: 'done',
        trigger: 'user',
        createdAt: '2026-12-04T07:00:00.000Z',
        finishedAt: '2026-12-04T07:00:01.000Z',
      },
    ],
  };
}

function setup(name: string) {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.lifecycle.lists[name] = stageList();
  api.builds = [
    buildRunFixture({ imageName: name, indexDigest: D.v3 }, 1),
    buildRunFixture(
      { imageName: name, status: 'failed', indexDigest: D.v1 },
      2,
    ),
  ];
  return api;
}

describe('ImageLifecycleContent', () => {
  it('shows the stages left to right with their digests, who moved them, and the moves', async () => {
    const entity = image('columns');
    await renderTab(setup('columns'), entity);

    const regions = await screen.findAllByRole('region', { name: /^Stage / });
    expect(regions.map(r => r.getAttribute('aria-label'))).toEqual([
      'Stage dev',
      'Stage staging',
      'Stage prod',
    ]);
    expect(column('dev').getByText('sha256:33cc33cc33cc…')).toBeInTheDocument();
    expect(
      column('dev').getByText(/by user:default\/jane/),
    ).toBeInTheDocument();
    expect(column('staging').getByText('sha256:22bb22bb22bb…')).toHaveAttribute(
      'title',
      `${entity.spec.registry}/${entity.spec.repository}@${D.v2}`,
    );
    expect(
      column('staging').getByText('sha256:11aa11aa11aa…'),
    ).toBeInTheDocument();
    expect(
      column('prod').getByText('Nothing promoted yet'),
    ).toBeInTheDocument();
    expect(screen.getByText('tests green')).toBeInTheDocument();
  });

  it('promotes staging from dev with the digest dev holds and the reason, then reloads', async () => {
    const api = setup('promote');
    await renderTab(api, image('promote'));

    // prod is offered what staging holds; dev holds v3, staging v2: both differ.
    await userEvent.click(await findEnabledButton('Promote from dev'));
    await submitDialog('soak done', 'Promote');

    expect(api.lifecycle.requests).toEqual([
      {
        action: 'promote',
        name: 'promote',
        stage: 'staging',
        body: { digest: D.v3, reason: 'soak done' },
      },
    ]);
    // Reloaded: staging now holds v3, so there is nothing left to promote from dev.
    await waitFor(() =>
      expect(
        column('staging').getByText('sha256:33cc33cc33cc…'),
      ).toBeInTheDocument(),
    );
    expect(
      column('staging').getByRole('button', { name: 'Promote from dev' }),
    ).toBeDisabled();
    expect(screen.getByText('soak done')).toBeInTheDocument();
  });

  it('rolls a stage back to what it held before, and offers no rollback without one', async () => {
    const api = setup('rollback');
    await renderTab(api, image('rollback'));

    await findEnabledButton('Promote a build');
    expect(
      column('prod').getByRole('button', { name: 'Roll back' }),
    ).toBeDisabled();
    await userEvent.click(
      column('staging').getByRole('button', { name: 'Roll back' }),
    );
    await submitDialog('broke checkout', 'Roll back');

    expect(api.lifecycle.requests).toEqual([
      {
        action: 'rollback',
        name: 'rollback',
        stage: 'staging',
        body: { digest: D.v1, reason: 'broke checkout' },
      },
    ]);
  });

  it('promotes a succeeded build into the first stage, offering only succeeded runs', async () => {
    const api = setup('build');
    await renderTab(api, image('build'));

    await userEvent.click(await findEnabledButton('Promote a build'));
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: /^Version/ }));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      expect.stringContaining('sha256:33cc33cc33cc…'),
    ]);
    await userEvent.click(options[0]);
    await submitDialog('first deploy', 'Promote');

    expect(api.lifecycle.requests).toEqual([
      {
        action: 'promote',
        name: 'build',
        stage: 'dev',
        body: { digest: D.v3, reason: 'first deploy' },
      },
    ]);
  });

  it('shows the error of a move the registry refused, and keeps the stage as it was', async () => {
    const api = setup('failed');
    api.lifecycle.results = [
      { failed: 'registry answered 503 to the manifest PUT' },
    ];
    await renderTab(api, image('failed'));

    await userEvent.click(await findEnabledButton('Promote from staging'));
    await submitDialog('', 'Promote');

    expect(
      await screen.findByText('Error: The promotion failed'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/registry answered 503 to the manifest PUT/).length,
    ).toBeGreaterThan(0);
    expect(
      column('prod').getByText('Nothing promoted yet'),
    ).toBeInTheDocument();
    expect(api.lifecycle.requests[0].body).toEqual({ digest: D.v2 });
  });

  it('disables every move, with a tooltip, when stage.promote is denied', async () => {
    const api = setup('denied');
    await renderTab(api, image('denied'), [
      { name: imageFactoryPromotePermission.name },
    ]);

    await screen.findAllByRole('region', { name: /^Stage / });
    for (const name of [
      'Promote a build',
      'Promote from dev',
      'Promote from staging',
    ]) {
      await waitFor(() =>
        expect(screen.getByRole('button', { name })).toBeDisabled(),
      );
    }
    screen
      .getAllByRole('button', { name: 'Roll back' })
      .forEach(b => expect(b).toBeDisabled());
    await userEvent.hover(
      screen.getByRole('button', { name: 'Promote from dev' }).parentElement!,
    );
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You need the permission image-factory.stage.promote on image:default/denied/staging',
    );
  });

  it('explains how to declare stages when the image has none', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    await renderTab(api, image('unstaged'));

    expect(
      await screen.findByText('This image has no stages'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/stages: \[dev, staging, prod\]/),
    ).toBeInTheDocument();
  });
});
