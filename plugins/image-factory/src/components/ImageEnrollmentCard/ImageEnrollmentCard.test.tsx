import { screen, waitFor, within } from '@testing-library/react';
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
  enrollmentFixture,
  responseError,
} from '../../__fixtures__/enrollments';
import { exampleImage, watchedBaseImage } from '../../__fixtures__/images';
import { emptyStatus } from '../../__fixtures__/status';
import { ImageEnrollmentCard } from './ImageEnrollmentCard';

jest.setTimeout(20_000);

async function renderCard(
  entity: Entity,
  api = new InMemoryImageFactoryApi(emptyStatus),
  denied: Parameters<typeof permissionApi>[0] = [],
) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api], permissionApi(denied)]}>
      <EntityProvider entity={entity}>
        <ImageEnrollmentCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return api;
}

const dialog = () => within(screen.getByRole('dialog'));

async function chooseType(type: string) {
  await userEvent.click(dialog().getByRole('button', { name: /New type/ }));
  await userEvent.click(screen.getByRole('option', { name: type }));
}

describe('ImageEnrollmentCard', () => {
  it('lists the open change requests of this image only', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.enrollments = [
      enrollmentFixture({ action: 'change', imageName: 'hello-web' }, 5),
      enrollmentFixture({ action: 'unenroll', imageName: 'other' }, 6),
    ];
    await renderCard(exampleImage('hello-web'), api);

    const list = within(
      await screen.findByRole('list', { name: 'Open change requests' }),
    );
    expect(
      list.getByRole('link', { name: /^acme\/factory-config#5,/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/factory-config/pull/5');
    expect(list.queryByText(/#6/)).toBeNull();
  });

  it('changes a managed image to external, removing its source', async () => {
    const api = await renderCard(exampleImage('hello-web'));
    expect(
      await screen.findByText('No open change requests for this image.'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Change type' }));
    expect(
      dialog().getByText('Change the type of hello-web'),
    ).toBeInTheDocument();
    await chooseType('external');
    expect(dialog().getByText(/its source is removed/)).toBeInTheDocument();
    await userEvent.type(
      dialog().getByRole('textbox', { name: /Reason/ }),
      'Built upstream now',
    );
    await userEvent.click(
      dialog().getByRole('button', { name: 'Open pull request' }),
    );

    const success = within(await dialog().findByRole('status'));
    expect(
      success.getByRole('link', { name: /^acme\/factory-config#1,/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/factory-config/pull/1');
    expect(api.requests).toEqual([
      {
        action: 'change',
        name: 'hello-web',
        body: {
          changes: { type: 'external', source: null },
          reason: 'Built upstream now',
        },
      },
    ]);

    await userEvent.click(dialog().getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    // The card lists the request it just opened.
    expect(
      await screen.findByRole('link', { name: /^acme\/factory-config#1,/ }),
    ).toBeInTheDocument();
  });

  it('asks for a source when an image without one becomes managed', async () => {
    const api = await renderCard(watchedBaseImage);

    await userEvent.click(await findEnabledButton('Change type'));
    await chooseType('managed');
    await userEvent.click(
      dialog().getByRole('button', { name: 'Open pull request' }),
    );
    expect(await dialog().findByText('is required')).toBeInTheDocument();
    expect(api.requests).toEqual([]);

    await userEvent.type(
      dialog().getByRole('textbox', { name: /GitHub repository/ }),
      'acme/alpine',
    );
    await userEvent.click(
      dialog().getByRole('button', { name: 'Open pull request' }),
    );
    await dialog().findByRole('status');
    expect(api.requests.map(r => r.body)).toEqual([
      {
        changes: {
          type: 'managed',
          source: { repo: 'acme/alpine' },
        },
      },
    ]);
  });

  it('shows the backend error of a refused change and sends nothing on cancel', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.writeResults = [
      await responseError(
        400,
        'InputError',
        'image.reference: a managed image is pushed by tag and must not pin a digest',
      ),
    ];
    await renderCard(exampleImage('busybox-base'), api);

    await userEvent.click(await findEnabledButton('Change type'));
    await chooseType('managed');
    await userEvent.click(
      dialog().getByRole('button', { name: 'Open pull request' }),
    );
    expect(
      await dialog().findByText(/must not pin a digest/),
    ).toBeInTheDocument();
    expect(dialog().queryByRole('status')).toBeNull();
    await userEvent.click(dialog().getByRole('button', { name: 'Cancel' }));
    expect(api.requests).toHaveLength(1);
  });

  it('un-enrolls after confirmation, with the reason', async () => {
    const api = await renderCard(exampleImage('hello-web'));

    await userEvent.click(await findEnabledButton('Un-enroll'));
    expect(dialog().getByText('Un-enroll hello-web?')).toBeInTheDocument();
    expect(dialog().getByText(/history is archived/)).toBeInTheDocument();
    await userEvent.type(
      dialog().getByRole('textbox', { name: /Reason/ }),
      'Replaced by hello-api',
    );
    await userEvent.click(dialog().getByRole('button', { name: 'Un-enroll' }));

    const success = within(await dialog().findByRole('status'));
    expect(success.getByText('Pull request opened')).toBeInTheDocument();
    expect(api.requests).toEqual([
      {
        action: 'unenroll',
        name: 'hello-web',
        body: { reason: 'Replaced by hello-api' },
      },
    ]);
  });

  it('names the images built FROM it before un-enrolling a base', async () => {
    const base = exampleImage('busybox-base');
    await renderCard({
      ...base,
      relations: [
        { type: 'ownedBy', targetRef: 'group:default/platform-team' },
        { type: 'dependencyOf', targetRef: 'image:default/hello-web' },
        { type: 'dependencyOf', targetRef: 'image:default/hello-api' },
      ],
    });
    await userEvent.click(await findEnabledButton('Un-enroll'));
    const dependents = within(dialog().getByTestId('unenroll-dependents'));
    expect(dependents.getAllByRole('link').map(a => a.textContent)).toEqual([
      'hello-web',
      'hello-api',
    ]);
    expect(dependents.getByText(/no longer rebuilds/)).toBeInTheDocument();
  });

  it('says nothing of dependents for an image nothing is built FROM', async () => {
    await renderCard(exampleImage('hello-web'));
    await userEvent.click(await findEnabledButton('Un-enroll'));
    expect(dialog().queryByTestId('unenroll-dependents')).toBeNull();
  });

  it('shows why an un-enroll failed, and nothing is sent when cancelled', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.writeResults = [
      await responseError(
        503,
        'ServiceUnavailableError',
        'GitHub answered 401 Bad credentials for acme/factory-config',
      ),
    ];
    await renderCard(exampleImage('hello-web'), api);

    await userEvent.click(await findEnabledButton('Un-enroll'));
    await userEvent.click(dialog().getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.requests).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Un-enroll' }));
    await userEvent.click(dialog().getByRole('button', { name: 'Un-enroll' }));
    expect(
      await dialog().findByText(/401 Bad credentials/),
    ).toBeInTheDocument();
    expect(
      dialog().getByText(
        "Error: The factory's GitHub setup needs fixing: no pull request was opened",
      ),
    ).toBeInTheDocument();
  });

  it('warns outside an Image entity', async () => {
    await renderCard({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web' },
    });
    expect(screen.getByText(/Not an image/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Un-enroll' })).toBeNull();
  });

  // An image of its own: usePermission caches answers per image.
  it('disables Change type and Un-enroll, each naming its missing permission', async () => {
    const api = await renderCard(
      exampleImage('busybox-upstream'),
      new InMemoryImageFactoryApi(emptyStatus),
      [
        { name: 'image-factory.image.change' },
        { name: 'image-factory.image.unenroll' },
      ],
    );
    // Denied controls are re-mounted inside their tooltip: query them afresh.
    const change = () => screen.getByRole('button', { name: 'Change type' });
    const unenroll = () => screen.getByRole('button', { name: 'Un-enroll' });
    await waitFor(() => expect(change()).toBeDisabled());
    await waitFor(() => expect(unenroll()).toBeDisabled());

    await userEvent.hover(change().parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You need the permission image-factory.image.change on image:default/busybox-upstream',
    );
    await userEvent.unhover(change().parentElement!);
    await userEvent.hover(unenroll().parentElement!);
    await waitFor(() =>
      expect(screen.getByRole('tooltip')).toHaveTextContent(
        'You need the permission image-factory.image.unenroll on image:default/busybox-upstream',
      ),
    );
    expect(api.requests).toEqual([]);
  });
});
