import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Entity } from '@backstage/catalog-model';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
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
import { responseError } from '../../__fixtures__/enrollments';
import { exampleImage, watchedBaseImage } from '../../__fixtures__/images';
import {
  NODES,
  auditFixture,
  busyboxBaseCascade,
  graphFixture,
} from '../../__fixtures__/rebuilds';
import { emptyStatus } from '../../__fixtures__/status';
import { ImageRebuildsCard } from './ImageRebuildsCard';

jest.setTimeout(30_000);

async function renderCard(
  api = new InMemoryImageFactoryApi(emptyStatus),
  entity: Entity = exampleImage('hello-web'),
  denied: Parameters<typeof permissionApi>[0] = [],
) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api], permissionApi(denied)]}>
      <EntityProvider entity={entity}>
        <ImageRebuildsCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return api;
}

const openDialog = async () => {
  await userEvent.click(await findEnabledButton('Emergency rebuild'));
  return within(await screen.findByRole('dialog'));
};
const justification = (dialog: ReturnType<typeof within>) =>
  dialog.getByRole('textbox', { name: /Justification/ });

describe('ImageRebuildsCard', () => {
  it('offers an emergency rebuild of a base image with a source, and none of an external image', async () => {
    await renderCard(undefined, exampleImage('hello-web', { type: 'base' }));
    expect(await findEnabledButton('Emergency rebuild')).toBeInTheDocument();
  });

  it('offers no emergency rebuild of an image without a source', async () => {
    await renderCard(undefined, {
      ...watchedBaseImage,
      spec: { ...watchedBaseImage.spec, type: 'external' },
    });
    expect(
      await screen.findByText(/The factory does not build this image/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Emergency rebuild' }),
    ).not.toBeInTheDocument();
  });

  it('refuses an empty justification without sending anything', async () => {
    const api = await renderCard();
    const dialog = await openDialog();

    await userEvent.type(justification(dialog), '  ');
    await userEvent.click(dialog.getByRole('button', { name: 'Rebuild now' }));

    expect(
      dialog.getByText(
        'Justification is required: a CVE id such as CVE-2026-1234 or a sentence',
      ),
    ).toBeInTheDocument();
    expect(justification(dialog)).toHaveAttribute('aria-invalid', 'true');
    expect(api.emergencyRequests).toEqual([]);
  });

  it('sends the justification and cascade, shows the queued runs and the new audit entry', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.graph = graphFixture;
    api.cascades[NODES.helloWeb] = {
      node: NODES.helloWeb,
      rebuilds: busyboxBaseCascade.rebuilds.slice(1),
      cut: [],
    };
    await renderCard(api);
    expect(
      await screen.findByText('Nothing recorded yet.'),
    ).toBeInTheDocument();
    const dialog = await openDialog();

    await userEvent.type(justification(dialog), ' CVE-2026-1234 ');
    await userEvent.click(
      dialog.getByRole('checkbox', {
        name: 'Also rebuild every image built FROM it',
      }),
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Rebuild now' }));

    expect(api.emergencyRequests).toEqual([
      {
        name: 'hello-web',
        body: { justification: 'CVE-2026-1234', cascade: true },
      },
    ]);
    const runs = within(
      await dialog.findByRole('list', { name: 'Queued runs' }),
    ).getAllByRole('listitem');
    expect(runs.map(r => r.textContent)).toEqual([
      expect.stringMatching(/^Queuedhello-web/),
      expect.stringMatching(/^Queuedhello-api/),
    ]);
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    // The audit trail is read again.
    expect(
      await screen.findByRole('list', { name: 'Audit trail' }),
    ).toHaveTextContent('Justification: CVE-2026-1234');
  });

  it("shows the backend's 403 and 400 messages", async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.emergencyResults = [
      await responseError(
        403,
        'NotAllowedError',
        'You need the image-factory.rebuild.emergency permission',
      ),
      await responseError(
        400,
        'InputError',
        'justification: is required: a CVE id such as CVE-2026-1234 or a sentence',
      ),
    ];
    await renderCard(api);
    const dialog = await openDialog();
    await userEvent.type(justification(dialog), 'CVE-2026-1234');

    await userEvent.click(dialog.getByRole('button', { name: 'Rebuild now' }));
    expect(
      await dialog.findByText(
        'You need the image-factory.rebuild.emergency permission',
      ),
    ).toBeInTheDocument();
    expect(
      dialog.getByText('Error: Not allowed to trigger an emergency rebuild'),
    ).toBeInTheDocument();

    await userEvent.click(dialog.getByRole('button', { name: 'Rebuild now' }));
    expect(
      await dialog.findByText(/^justification: is required/),
    ).toBeInTheDocument();
    expect(api.emergencyRequests).toHaveLength(2);
  });

  it('lists the audit trail newest first', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.audit = [
      auditFixture(
        {
          action: 'rebuild-planned',
          actor: 'image-factory',
          justification: undefined,
          at: '2026-11-19T08:00:00.000Z',
          summary: 'busybox-base changed: rebuild planned',
        },
        1,
      ),
      auditFixture({ at: '2026-11-20T10:00:00.000Z' }, 2),
    ];
    await renderCard(api);

    const items = within(
      await screen.findByRole('list', { name: 'Audit trail' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('emergency-rebuild');
    expect(within(items[0]).getByRole('link', { name: 'jane' })).toBeVisible();
    expect(items[0]).toHaveTextContent('Justification: CVE-2026-1234');
    expect(items[0]).toHaveTextContent(
      'queued run 1a2b… with 2 images in the cascade',
    );
    expect(items[1]).toHaveTextContent('rebuild-planned');
    expect(items[1]).toHaveTextContent('image-factory');
    expect(items[1]).toHaveTextContent('busybox-base changed: rebuild planned');
  });

  // An image of its own: usePermission caches answers per image.
  it('disables Emergency rebuild, naming the missing permission, for a user without it', async () => {
    await renderCard(undefined, exampleImage('busybox-base'), [
      {
        name: 'image-factory.rebuild.emergency',
        resourceRef: 'image:default/busybox-base',
      },
    ]);
    // A denied control is re-mounted inside its tooltip: query it afresh.
    const button = () =>
      screen.getByRole('button', { name: 'Emergency rebuild' });
    await waitFor(() => expect(button()).toBeDisabled());
    await userEvent.hover(button().parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You need the permission image-factory.rebuild.emergency on image:default/busybox-base',
    );
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
