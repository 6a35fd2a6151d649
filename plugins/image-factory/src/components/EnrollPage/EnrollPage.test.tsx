import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { imageFactoryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import {
  enrollmentFixture,
  responseError,
} from '../../__fixtures__/enrollments';
import { emptyStatus } from '../../__fixtures__/status';
import { EnrollPage } from './EnrollPage';

async function renderPage(
  api = new InMemoryImageFactoryApi(emptyStatus),
  ownershipEntityRefs = ['user:default/jane', 'group:default/team-web'],
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [imageFactoryApiRef, api],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/jane',
            ownershipEntityRefs,
          }),
        ],
      ]}
    >
      <EnrollPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/image-factory': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
  return api;
}

const form = () =>
  within(screen.getByRole('form', { name: 'Enroll an image' }));
const textbox = (name: RegExp) => form().getByRole('textbox', { name });
const submitButton = () => form().getByRole('button', { name: /pull request/ });

/** The helper text under a field, which holds its validation message. */
function helperOf(name: RegExp) {
  const input = textbox(name);
  const id = input.getAttribute('aria-describedby');
  return id ? document.getElementById(id)?.textContent : undefined;
}

// Pasting makes one change event per field rather than one per character,
// which keeps these tests of a large form fast.
async function fill(name: RegExp, value: string) {
  await userEvent.clear(textbox(name));
  if (value) {
    await userEvent.paste(value);
  }
}

async function fillManagedImage() {
  await fill(/^Name/, 'hello-api');
  await fill(/^Image reference/, 'localhost:5000/apps/hello-api:1.0');
  await fill(/^GitHub repository/, 'acme/hello-api');
  await fill(/^Dockerfile path/, 'docker/Dockerfile');
}

// A form this size renders slowly on a busy machine.
jest.setTimeout(30_000);

describe('EnrollPage', () => {
  it('starts with the defaults and the signed-in user’s first group as owner', async () => {
    await renderPage();

    await waitFor(() =>
      expect(textbox(/^Owner/)).toHaveValue('group:default/team-web'),
    );
    expect(form().getByRole('radio', { name: /^Managed/ })).toBeChecked();
    expect(textbox(/^Branch/)).toHaveValue('main');
    expect(textbox(/^Dockerfile path/)).toHaveValue('Dockerfile');
    expect(textbox(/^Build context/)).toHaveValue('.');
    expect(form().getByRole('checkbox', { name: 'linux/amd64' })).toBeChecked();
    expect(
      form().getByRole('checkbox', { name: 'linux/arm64' }),
    ).not.toBeChecked();
    expect(
      form().getByRole('checkbox', { name: 'linux/s390x' }),
    ).toBeInTheDocument();
    expect(textbox(/^Rebuild delay/)).toHaveValue('0s');
    expect(textbox(/^Coalescing window/)).toHaveValue('30m');
  });

  it('leaves the owner empty when the user is in no group', async () => {
    await renderPage(undefined, ['user:default/jane']);
    await screen.findByText('No open change requests');
    expect(textbox(/^Owner/)).toHaveValue('');
  });

  it('shows the source and rebuild fields only for images the factory may build', async () => {
    await renderPage();

    await userEvent.click(form().getByRole('radio', { name: /^External/ }));
    expect(
      form().queryByRole('textbox', { name: /^GitHub repository/ }),
    ).not.toBeInTheDocument();
    expect(
      form().queryByRole('textbox', { name: /^Rebuild delay/ }),
    ).not.toBeInTheDocument();

    await userEvent.click(form().getByRole('radio', { name: /^Base/ }));
    expect(textbox(/^GitHub repository/)).not.toBeRequired();
    await userEvent.click(form().getByRole('radio', { name: /^Managed/ }));
    expect(textbox(/^GitHub repository/)).toBeRequired();
  });

  it('names each invalid field and sends nothing', async () => {
    const api = await renderPage();
    await waitFor(() => expect(textbox(/^Owner/)).not.toHaveValue(''));

    await fill(/^Name/, 'Hello_World');
    await fill(/^Build context/, '../outside');
    await fill(/^Lifecycle stages/, 'dev, Prod');
    await userEvent.click(submitButton());

    expect(await form().findByRole('alert')).toHaveTextContent(
      '5 fields need attention',
    );
    expect(helperOf(/^Name/)).toBe(
      'must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit',
    );
    // A managed image needs a source, that is a repository.
    expect(helperOf(/^GitHub repository/)).toBe('is required');
    expect(helperOf(/^Image reference/)).toBe('is required');
    expect(helperOf(/^Build context/)).toBe(
      'must be a relative path inside the repository',
    );
    expect(helperOf(/^Lifecycle stages/)).toBe(
      "'Prod': stage names must be lowercase letters, digits or dashes",
    );
    expect(textbox(/^Name/)).toHaveAttribute('aria-invalid', 'true');
    expect(api.requests).toEqual([]);

    // The messages follow the fields as they are corrected.
    await fill(/^Name/, 'hello-world');
    expect(helperOf(/^Name/)).toMatch(/^Lowercase letters/);
    expect(textbox(/^Name/)).toHaveAttribute('aria-invalid', 'false');
  });

  it('asks for at least one platform', async () => {
    const api = await renderPage();
    await fillManagedImage();

    await userEvent.click(
      form().getByRole('checkbox', { name: 'linux/amd64' }),
    );
    await userEvent.click(submitButton());

    expect(
      await form().findByText('must list at least one platform'),
    ).toBeInTheDocument();
    expect(api.requests).toEqual([]);
  });

  it('validates a field when it is left, before any submit', async () => {
    await renderPage();

    await fill(/^Name/, 'Bad Name');
    expect(helperOf(/^Name/)).toMatch(/^Lowercase letters/);
    await userEvent.tab();
    expect(helperOf(/^Name/)).toMatch(/^must be 1-63/);
    // Fields not visited yet stay quiet.
    expect(helperOf(/^Image reference/)).toMatch(/^Where builds are pushed/);
  });

  it('sends what was filled in, and shows progress while it is sent', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.writeResults = ['pending'];
    await renderPage(api);
    await waitFor(() => expect(textbox(/^Owner/)).not.toHaveValue(''));

    await fillManagedImage();
    await fill(/^Title/, 'Hello API');
    await userEvent.click(
      form().getByRole('checkbox', { name: 'linux/s390x' }),
    );
    await userEvent.click(
      form().getByRole('checkbox', { name: 'linux/arm64' }),
    );
    await fill(/^Coalescing window/, '1h');
    await fill(/^Lifecycle stages/, 'dev, staging,prod');
    await fill(/^Reason/, 'The API team ships it');
    await userEvent.click(submitButton());

    await waitFor(() =>
      expect(
        form().getByRole('button', { name: 'Opening pull request…' }),
      ).toBeDisabled(),
    );
    expect(form().getByRole('progressbar')).toBeInTheDocument();
    expect(textbox(/^Name/)).toBeDisabled();
    expect(api.requests).toEqual([
      {
        action: 'enroll',
        body: {
          image: {
            name: 'hello-api',
            type: 'managed',
            owner: 'group:default/team-web',
            title: 'Hello API',
            reference: 'localhost:5000/apps/hello-api:1.0',
            platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
            // Defaults (branch main, context .) are left out of the entry.
            source: { repo: 'acme/hello-api', dockerfile: 'docker/Dockerfile' },
            rebuild: { auto: true, delay: '0s', coalesceWindow: '1h' },
            stages: ['dev', 'staging', 'prod'],
          },
          reason: 'The API team ships it',
        },
      },
    ]);
  });

  it('offers the other fields of images.yaml from its schema, watch and retention included, and sends them', async () => {
    const api = await renderPage();
    await waitFor(() => expect(textbox(/^Owner/)).not.toHaveValue(''));

    await fillManagedImage();
    expect(textbox(/^watch\.interval/)).toHaveAccessibleDescription(
      /new digest/,
    );
    await fill(/^watch\.interval/, '6h');
    await fill(/^retention\.keep/, '0');
    await userEvent.click(submitButton());
    // The schema's own rule, named at the field.
    expect(helperOf(/^retention\.keep/)).toBe(
      'must keep at least the current build',
    );
    expect(api.requests).toEqual([]);

    await fill(/^retention\.keep/, '5');
    await userEvent.click(submitButton());
    await waitFor(() => expect(api.requests).toHaveLength(1));
    expect(api.requests[0].body).toMatchObject({
      image: { watch: { interval: '6h' }, retention: { keep: 5 } },
    });
  });

  it('sends an external image without source or rebuild policy', async () => {
    const api = await renderPage();
    await waitFor(() => expect(textbox(/^Owner/)).not.toHaveValue(''));

    await userEvent.click(form().getByRole('radio', { name: /^External/ }));
    await fill(/^Name/, 'nginx');
    await fill(/^Image reference/, 'docker.io/library/nginx:1.27');
    await userEvent.click(submitButton());

    await form().findByRole('status');
    expect(api.requests.map(r => r.body)).toEqual([
      {
        image: {
          name: 'nginx',
          type: 'external',
          owner: 'group:default/team-web',
          reference: 'docker.io/library/nginx:1.27',
          platforms: ['linux/amd64'],
        },
      },
    ]);
  });

  it('links the opened pull request and lists it with the change requests', async () => {
    await renderPage();
    expect(
      await screen.findByText('No open change requests'),
    ).toBeInTheDocument();

    await fillManagedImage();
    await userEvent.click(submitButton());

    const success = within(await form().findByRole('status'));
    expect(success.getByText('Pull request opened')).toBeInTheDocument();
    expect(
      success.getByRole('link', { name: /^acme\/factory-config#1,/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/factory-config/pull/1');
    expect(success.queryByText(/already asked for/)).not.toBeInTheDocument();

    const row = within(
      (await screen.findByRole('link', { name: /^#1,/ })).closest('tr')!,
    );
    expect(row.getByText('Enroll')).toBeInTheDocument();
    expect(row.getByText('hello-api')).toBeInTheDocument();
    expect(row.getByText('open')).toBeInTheDocument();
  });

  it('says so when an identical pull request was already open', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.enrollments = [
      enrollmentFixture({ action: 'enroll', imageName: 'hello-api' }, 42),
    ];
    await renderPage(api);

    await fillManagedImage();
    await userEvent.click(submitButton());

    const success = within(await form().findByRole('status'));
    expect(
      success.getByText('A pull request was already open'),
    ).toBeInTheDocument();
    expect(success.getByText(/no second pull request/)).toBeInTheDocument();
    expect(
      success.getByRole('link', { name: /^acme\/factory-config#42,/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/factory-config/pull/42');
  });

  it('shows the backend’s message when it refuses the enrollment', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.writeResults = [
      await responseError(
        403,
        'NotAllowedError',
        'user:default/jane is not a member of group:default/team-web, so cannot enroll images for it',
      ),
    ];
    await renderPage(api);

    await fillManagedImage();
    await userEvent.click(submitButton());

    expect(
      await screen.findByText('Error: Not allowed to enroll this image'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/is not a member of group:default\/team-web/),
    ).toBeInTheDocument();
    expect(form().queryByRole('status')).not.toBeInTheDocument();
    expect(submitButton()).toBeEnabled();

    // Sending again (now answered normally) replaces the error.
    await userEvent.click(submitButton());
    expect(await form().findByRole('status')).toBeInTheDocument();
    expect(
      screen.queryByText('Error: Not allowed to enroll this image'),
    ).not.toBeInTheDocument();
  });

  it('puts the fields the backend rejected next to them', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.writeResults = [
      await responseError(
        400,
        'InputError',
        'image.source.repo: repository acme/hello-api does not exist; image.owner: group:default/team-web is not in the catalog',
      ),
    ];
    await renderPage(api);
    await waitFor(() => expect(textbox(/^Owner/)).not.toHaveValue(''));

    await fillManagedImage();
    await userEvent.click(submitButton());

    expect(
      await screen.findByText('Error: The enroll request is not valid'),
    ).toBeInTheDocument();
    expect(helperOf(/^GitHub repository/)).toBe(
      'repository acme/hello-api does not exist',
    );
    expect(helperOf(/^Owner/)).toBe(
      'group:default/team-web is not in the catalog',
    );
  });

  it('explains a conflict and a GitHub rate limit', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.writeResults = [
      await responseError(
        409,
        'ConflictError',
        "Image 'hello-api' is already enrolled",
      ),
      await responseError(
        429,
        'GitHubRequestError',
        "GitHub's rate limit for the Image Factory's credentials is used up; try again in 60 s",
      ),
    ];
    await renderPage(api);
    await fillManagedImage();

    await userEvent.click(submitButton());
    expect(
      await screen.findByText("Image 'hello-api' is already enrolled"),
    ).toBeInTheDocument();

    await userEvent.click(submitButton());
    expect(
      await screen.findByText(
        "Error: GitHub's rate limit is used up: no pull request was opened",
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        "GitHub's rate limit for the Image Factory's credentials is used up; try again in 60 s",
      ),
    ).toBeInTheDocument();
  });

  it('shows where the source does not work, and asks to confirm platforms no executor builds', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.writeResults = [
      await responseError(
        400,
        'InputError',
        'The image cannot be built as proposed: ' +
          'image.source.dockerfile: docker/Dockerfile does not exist in acme/hello-api on branch main; ' +
          'image.platforms[1]: no executor builds linux/ppc64le yet (the executors build linux/amd64, linux/arm64), so its builds would wait: confirm with acceptUnbuiltPlatforms: true to list it anyway',
      ),
    ];
    await renderPage(api);
    await waitFor(() => expect(textbox(/^Owner/)).not.toHaveValue(''));
    await fillManagedImage();
    await userEvent.click(
      form().getByRole('checkbox', { name: 'linux/ppc64le' }),
    );
    // Nothing to confirm before the backend has said so.
    expect(
      form().queryByRole('checkbox', { name: /^No executor builds/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(submitButton());

    expect(
      await screen.findByText('Error: The enroll request is not valid'),
    ).toBeInTheDocument();
    expect(helperOf(/^Dockerfile path/)).toBe(
      'docker/Dockerfile does not exist in acme/hello-api on branch main',
    );
    expect(
      form().getByText(
        "'linux/ppc64le': no executor builds linux/ppc64le yet (the executors build linux/amd64, linux/arm64), so its builds would wait",
      ),
    ).toBeInTheDocument();
    const confirm = form().getByRole('checkbox', {
      name: /^No executor builds linux\/ppc64le yet: enroll anyway/,
    });
    expect(confirm).not.toBeChecked();

    await fill(/^Dockerfile path/, 'Dockerfile');
    await userEvent.click(confirm);
    await userEvent.click(submitButton());
    expect(await form().findByRole('status')).toBeInTheDocument();
    const bodies = api.requests.map(r => r.body as Record<string, any>);
    expect(bodies[0]).not.toHaveProperty('acceptUnbuiltPlatforms');
    expect(bodies[1]).toMatchObject({
      acceptUnbuiltPlatforms: true,
      image: {
        platforms: ['linux/amd64', 'linux/ppc64le'],
        source: { repo: 'acme/hello-api' },
      },
    });
  });
});
