import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { WheelSetList } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import {
  findEnabledButton,
  permissionApi,
} from '../../__testUtils__/permissions';
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
  issues: [],
};

function refinery() {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.refinery.sets = sets;
  return api;
}

async function renderPage(api: InMemoryImageFactoryApi, denied: string[] = []) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [imageFactoryApiRef, api],
        [
          discoveryApiRef,
          {
            getBaseUrl: async (id: string) => `http://localhost:7007/api/${id}`,
          },
        ],
        permissionApi(denied.map(name => ({ name }))),
      ]}
    >
      <RefineryPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/image-factory': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

const dialog = () => within(screen.getByRole('dialog'));
const field = (name: RegExp) => dialog().getByRole('textbox', { name });
const openPullRequest = () =>
  userEvent.click(dialog().getByRole('button', { name: 'Open pull request' }));

/** The row of the Change requests card that links pull request `number`. */
async function requestRow(number: string): Promise<HTMLElement> {
  const link = await screen.findByRole('link', {
    name: new RegExp(`^${number}(,|$)`),
  });
  expect(link).toHaveAttribute(
    'href',
    `https://github.com/acme/factory-config/pull/${number.slice(1)}`,
  );
  return link.closest('tr')!;
}

async function openChange() {
  await userEvent.click(await findEnabledButton('Change science'));
  expect(
    await screen.findByText('Change the wheel set science'),
  ).toBeInTheDocument();
}

describe('Changing and un-enrolling a wheel set on the Refinery page', () => {
  it('names a bad value at its field before sending, and says when nothing changed', async () => {
    const api = refinery();
    await renderPage(api);
    await openChange();
    await openPullRequest();
    expect(dialog().getByText('Info: Nothing to change')).toBeInTheDocument();
    expect(
      dialog().getByText(
        'science already has these values: change a field, then open the pull request.',
      ),
    ).toBeInTheDocument();
    await userEvent.clear(field(/^Python/));
    await userEvent.type(field(/^Python/), 'py3');
    expect(
      dialog().getByText("must be a CPython tag such as 'cp311'"),
    ).toBeInTheDocument();
    await userEvent.clear(field(/^Python/));
    await userEvent.type(field(/^Python/), 'cp312');
    await userEvent.clear(field(/^Requirements/));
    expect(
      dialog().getByText('must have requirements, a requirementsFile, or both'),
    ).toBeInTheDocument();
    expect(
      dialog().getByRole('button', { name: 'Open pull request' }),
    ).toBeDisabled();
    expect(api.requests).toEqual([]);
    await userEvent.type(field(/^Requirements/), 'numpy==2.0.0');
    await openPullRequest();
    await dialog().findByRole('status');
    expect(api.requests.map(r => r.body)).toEqual([
      {
        changes: {
          requirements: ['numpy==2.0.0'],
          targets: [
            { python: 'cp312', platforms: ['linux/amd64', 'linux/s390x'] },
          ],
        },
      },
    ]);
  });

  it("shows the backend's refusal of a platform at the Platforms field", async () => {
    const api = refinery();
    api.writeResults.push(
      await responseError(
        400,
        'InputError',
        'Invalid request body: set.targets[0].platforms[0]: the builder image wheel-builder is not built for linux/ppc64le (its platforms in images.yaml: linux/amd64, linux/s390x)',
      ),
    );
    await renderPage(api);
    await openChange();
    await userEvent.click(
      dialog().getByRole('checkbox', { name: 'linux/amd64' }),
    );
    await userEvent.click(
      dialog().getByRole('checkbox', { name: 'linux/s390x' }),
    );
    await userEvent.click(
      dialog().getByRole('checkbox', { name: 'linux/ppc64le' }),
    );
    await openPullRequest();
    expect(
      await dialog().findByText('Error: The change request is not valid'),
    ).toBeInTheDocument();
    const platforms = dialog()
      .getByText('Platforms')
      .closest('fieldset') as HTMLElement;
    expect(
      within(platforms).getByText(
        'the builder image wheel-builder is not built for linux/ppc64le (its platforms in images.yaml: linux/amd64, linux/s390x)',
      ),
    ).toBeInTheDocument();
    expect(api.requests.map(r => r.body)).toEqual([
      {
        changes: {
          targets: [{ python: 'cp311', platforms: ['linux/ppc64le'] }],
        },
      },
    ]);
    expect(dialog().queryByRole('status')).toBeNull();
  });

  it('says which pull request is already open when the backend answers 409', async () => {
    const api = refinery();
    api.writeResults.push(
      await responseError(
        409,
        'ConflictError',
        'A different pull request to change science is already open: https://github.com/acme/factory-config/pull/4; merge or close it first',
      ),
    );
    await renderPage(api);
    await openChange();
    await userEvent.clear(field(/^Owner/));
    await userEvent.type(field(/^Owner/), 'group:default/science');
    await openPullRequest();
    expect(
      await dialog().findByText(
        'Error: A pull request to change science is already open',
      ),
    ).toBeInTheDocument();
    expect(
      dialog().getByRole('link', {
        name: /^https:\/\/github\.com\/acme\/factory-config\/pull\/4,/,
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/factory-config/pull/4');
    expect(
      dialog().getByText(/No pull request was opened/),
    ).toBeInTheDocument();
    expect(dialog().queryByRole('status')).toBeNull();
  });

  it('un-enrolls a set after confirmation, with the reason', async () => {
    const api = refinery();
    await renderPage(api);
    await userEvent.click(await findEnabledButton('Un-enroll science'));
    expect(dialog().getByText('Un-enroll science?')).toBeInTheDocument();
    expect(
      dialog().getByText(/removes the wheel set science from wheels\.yaml/),
    ).toBeInTheDocument();
    await userEvent.type(
      dialog().getByRole('textbox', { name: /Reason/ }),
      'Moved to the data images',
    );
    await userEvent.click(dialog().getByRole('button', { name: 'Un-enroll' }));
    const success = within(await dialog().findByRole('status'));
    expect(success.getByText('Pull request opened')).toBeInTheDocument();
    expect(
      success.getByRole('link', { name: /^acme\/factory-config#1,/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/factory-config/pull/1');
    expect(api.requests).toEqual([
      {
        action: 'unenroll',
        name: 'science',
        body: { reason: 'Moved to the data images' },
      },
    ]);
    await userEvent.click(dialog().getByRole('button', { name: 'Close' }));
    const request = within(await requestRow('#1'));
    expect(request.getByText('Un-enroll')).toBeInTheDocument();
    expect(request.getByText('wheel set')).toBeInTheDocument();
  });

  it('shows why an un-enroll was refused', async () => {
    const api = refinery();
    api.writeResults.push(
      await responseError(
        403,
        'NotAllowedError',
        'Only members of group:default/data may change the wheel set science',
      ),
    );
    await renderPage(api);
    await userEvent.click(await findEnabledButton('Un-enroll science'));
    await userEvent.click(dialog().getByRole('button', { name: 'Un-enroll' }));
    expect(
      await dialog().findByText(
        'Error: Not allowed to un-enroll this wheel set',
      ),
    ).toBeInTheDocument();
    expect(
      dialog().getByText(
        'Only members of group:default/data may change the wheel set science',
      ),
    ).toBeInTheDocument();
    expect(dialog().queryByRole('status')).toBeNull();
  });

  // Kept long and just before the denying test: usePermission's cache
  // (SWR) answers again from the policy only 2 s after its last request.
  it("changes a set's requirements through a pull request, sending only what changed", async () => {
    const api = refinery();
    await renderPage(api);
    expect(
      await screen.findByText(/No open change requests\./),
    ).toBeInTheDocument();
    await openChange();
    // The form starts from the set; its name is its identity.
    expect(field(/^Name/)).toHaveValue('science');
    expect(field(/^Name/)).toHaveAttribute('readonly');
    expect(field(/^Owner/)).toHaveValue('group:default/data');
    expect(field(/^Requirements/)).toHaveValue(
      'markupsafe==2.1.2\ncffi==1.15.1',
    );
    expect(
      dialog().getByRole('checkbox', { name: 'linux/s390x' }),
    ).toBeChecked();
    expect(
      dialog().getByRole('checkbox', { name: 'linux/arm64' }),
    ).not.toBeChecked();
    await userEvent.type(field(/^Requirements/), '\nmsgpack==1.0.3');
    await userEvent.type(field(/^Why/), 'The data team needs msgpack');
    await openPullRequest();
    const success = within(await dialog().findByRole('status'));
    expect(success.getByText('Pull request opened')).toBeInTheDocument();
    expect(
      success.getByRole('link', { name: /^acme\/factory-config#1,/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/factory-config/pull/1');
    expect(api.requests).toEqual([
      {
        action: 'change',
        name: 'science',
        body: {
          changes: {
            requirements: [
              'markupsafe==2.1.2',
              'cffi==1.15.1',
              'msgpack==1.0.3',
            ],
          },
          reason: 'The data team needs msgpack',
        },
      },
    ]);
    await userEvent.click(dialog().getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    // Change requests lists it until it is merged.
    const request = within(await requestRow('#1'));
    expect(request.getByText('Change')).toBeInTheDocument();
    expect(request.getByText('science')).toBeInTheDocument();
    expect(request.getByText('wheel set')).toBeInTheDocument();
  });

  it('disables Change and Un-enroll without the permission, and says why', async () => {
    const api = refinery();
    await renderPage(api, ['image-factory.wheel-set.enroll']);
    const change = await screen.findByRole('button', {
      name: 'Change science',
    });
    const unenroll = screen.getByRole('button', { name: 'Un-enroll science' });
    await waitFor(() => expect(change).toBeDisabled());
    expect(unenroll).toBeDisabled();
    expect(
      screen.getByTitle(
        'You need the permission image-factory.wheel-set.enroll to change science',
      ),
    ).toContainElement(change);
    expect(
      screen.getByTitle(
        'You need the permission image-factory.wheel-set.enroll to un-enroll science',
      ),
    ).toContainElement(unenroll);
    // Running is another permission.
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Run science' })).toBeEnabled(),
    );
    expect(api.requests).toEqual([]);
  });
});
