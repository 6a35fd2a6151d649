import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { imageFactoryApiRef } from '../../api';
import { permissionApi } from '../../__testUtils__/permissions';
import { rootRouteRef } from '../../routes';
import { someEnrollments } from '../../__fixtures__/enrollments';
import {
  InMemoryImageFactoryApi,
  StatusResult,
} from '../../__fixtures__/InMemoryImageFactoryApi';
import {
  emptyStatus,
  statusWithFileError,
  statusWithIssues,
  statusWithTracking,
} from '../../__fixtures__/status';
import { ImageFactoryPage } from './ImageFactoryPage';

async function renderPage(...results: StatusResult[]) {
  const api = new InMemoryImageFactoryApi(...results);
  api.enrollments = someEnrollments;
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api], permissionApi()]}>
      <ImageFactoryPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/image-factory': rootRouteRef,
      },
    },
  );
  return api;
}

function rowOf(text: string) {
  const row = screen.getByText(text).closest('tr');
  if (!row) {
    throw new Error(`'${text}' is not in a table row`);
  }
  return within(row);
}

describe('ImageFactoryPage', () => {
  it('shows the images.yaml state and each issue with entry, path, line and message', async () => {
    await renderPage(statusWithIssues);

    expect(
      await screen.findByText('/srv/factory/images.yaml'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(new Date('2025-01-02T03:04:05.000Z').toLocaleString()),
    ).toHaveAttribute('datetime', '2025-01-02T03:04:05.000Z');
    expect(screen.getByText('2 issues')).toBeInTheDocument();

    const first = rowOf('images[2].source.dockerfile');
    expect(first.getByText('hello-web')).toBeInTheDocument();
    expect(first.getByText(/\(line 31\)/)).toBeInTheDocument();
    expect(
      first.getByText('must be a relative path inside the repository'),
    ).toBeInTheDocument();

    // An issue outside any entry has neither entry name nor line.
    const second = rowOf('extra');
    expect(second.getByText('—')).toBeInTheDocument();
    expect(second.getByText('is not a known field')).toBeInTheDocument();
    expect(second.queryByText(/line/)).toBeNull();

    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('lists the providers with a link to each Provider entity', async () => {
    await renderPage(statusWithIssues);

    const docker = (await screen.findByText('local-docker')).closest('tr')!;
    const row = within(docker);
    expect(row.getByText('executor')).toBeInTheDocument();
    expect(row.getByText('docker')).toBeInTheDocument();
    expect(row.getByText('unix:///var/run/docker.sock')).toBeInTheDocument();
    expect(row.getByText('linux/amd64')).toBeInTheDocument();
    expect(row.getByText('linux/s390x')).toBeInTheDocument();
    expect(
      row.getByRole('link', { name: /executor-local-docker/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/provider/executor-local-docker',
    );

    const registry = rowOf('localhost:5000');
    expect(registry.getByText('oci')).toBeInTheDocument();
    expect(
      registry.getByRole('link', { name: /registry-local/ }),
    ).toHaveAttribute('href', '/catalog/default/provider/registry-local');
  });

  it('lists the watched base images with digest, platforms, users and the last check explained', async () => {
    await renderPage(statusWithTracking);

    expect(await screen.findByText('Watched base images')).toBeInTheDocument();
    expect(screen.getByText(/one HEAD request every 24 h/)).toBeInTheDocument();
    const busybox = rowOf('localhost:5000/base/busybox:stable');
    expect(busybox.getByText(`sha256:${'a'.repeat(12)}…`)).toBeInTheDocument();
    expect(busybox.getByText('linux/s390x')).toBeInTheDocument();
    expect(busybox.getByRole('link', { name: /busybox-base/ })).toHaveAttribute(
      'href',
      '/catalog/default/image/busybox-base',
    );
    const debian = rowOf('docker.io/library/debian:bookworm-slim');
    expect(debian.getByText('not seen yet')).toBeInTheDocument();
    expect(
      debian.getByText(/^docker.io cannot be reached from the backend/),
    ).toHaveAttribute(
      'title',
      'RegistryUnavailableError: registry-1.docker.io is unreachable',
    );
  });

  it('leaves the watched images out when tracking is disabled', async () => {
    await renderPage(statusWithIssues);
    await screen.findByText('local-docker');
    expect(screen.queryByText('Watched base images')).not.toBeInTheDocument();
    expect(
      screen.queryByText('No registries polled yet'),
    ).not.toBeInTheDocument();
  });

  it('shows the registry request budgets while tracking runs', async () => {
    await renderPage(statusWithTracking);
    expect(
      await screen.findByText('No registries polled yet'),
    ).toBeInTheDocument();
  });

  it('warns that the previous entries are kept when the whole file failed', async () => {
    await renderPage(statusWithFileError);

    const alert = within(await screen.findByRole('alert'));
    expect(
      alert.getByText('Error: images.yaml could not be read'),
    ).toBeInTheDocument();
    expect(
      alert.getByText(
        /images\.yaml is not valid YAML\. The catalog keeps the 4 images from the last good read/,
      ),
    ).toBeVisible();
    expect(screen.getByText('Could not be read')).toBeInTheDocument();
    expect(rowOf('(file)').getByText(/\(line 7\)/)).toBeInTheDocument();
  });

  it('shows the empty states of a healthy factory with nothing configured', async () => {
    await renderPage(emptyStatus);

    expect(await screen.findByText('OK')).toBeInTheDocument();
    expect(
      screen.getByText('No issues: every entry is valid.'),
    ).toBeInTheDocument();
    expect(screen.getByText('No providers configured')).toBeInTheDocument();
  });

  it('shows progress while the status loads', async () => {
    await renderPage('pending');

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeDisabled();
  });

  it('shows an error panel when the status cannot be loaded, and recovers on refresh', async () => {
    const api = await renderPage(
      new Error('Image Factory backend is unavailable'),
      statusWithIssues,
    );

    expect(
      await screen.findByText(/Could not load the factory status/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Image Factory backend is unavailable/).length,
    ).toBeGreaterThan(0);

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    expect(
      await screen.findByText('/srv/factory/images.yaml'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByText(/Could not load the factory status/),
      ).not.toBeInTheDocument(),
    );
    expect(api.calls).toBe(2);
  });

  it('links to the enroll and lifecycle pages and lists the open change requests', async () => {
    await renderPage(emptyStatus);

    // LinkButton renders an <a> with role button.
    expect(
      screen.getByRole('button', { name: 'Enroll image' }),
    ).toHaveAttribute('href', '/image-factory/enroll');
    expect(screen.getByRole('button', { name: 'Lifecycle' })).toHaveAttribute(
      'href',
      '/image-factory/lifecycle',
    );
    expect(await screen.findByText('Change requests')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: /^#12,/ })).toHaveAttribute(
      'href',
      'https://github.com/acme/factory-config/pull/12',
    );
  });
});
