import { expect, test } from '@playwright/test';
import { openAsGuest } from './signIn';

test('the catalog lists the example images with owner and type', async ({
  page,
}) => {
  await openAsGuest(
    page,
    '/catalog?filters%5Bkind%5D=image&filters%5Buser%5D=all',
  );
  const table = page.getByRole('table');
  // Each row links to the entity under the entry's title.
  for (const title of [
    'Hello web',
    'BusyBox base',
    'Debian 12 (slim)',
    'BusyBox (upstream)',
  ]) {
    await expect(
      table.getByRole('link', { name: title, exact: true }),
    ).toBeVisible();
  }
  // Owner, type, platforms and source of each image.
  const helloWeb = table.getByRole('row').filter({ hasText: 'Hello web' });
  await expect(helloWeb.getByRole('link', { name: 'Web team' })).toBeVisible();
  await expect(helloWeb.getByText('managed')).toBeVisible();
  await expect(helloWeb.getByText('linux/amd64, linux/s390x')).toBeVisible();
  await expect(
    helloWeb.getByText(
      'image-factory/examples: dockerfiles/hello-web/Dockerfile',
    ),
  ).toBeVisible();
  const debian = table.getByRole('row').filter({ hasText: 'Debian 12 (slim)' });
  await expect(debian.getByText('external')).toBeVisible();
  await expect(
    debian.getByText('docker.io/library/debian:bookworm-slim'),
  ).toBeVisible();
});

test('an Image page shows the overview card and its relations', async ({
  page,
}) => {
  await openAsGuest(page, '/catalog/default/image/hello-web');
  await expect(
    page.getByText('localhost:5000/apps/hello-web').first(),
  ).toBeVisible();
  await expect(page.getByText('linux/s390x').first()).toBeVisible();
  await expect(
    page.getByText('dockerfiles/hello-web/Dockerfile').first(),
  ).toBeVisible();
  // ownedBy its group and providedBy its registry, in the relations graph.
  const graph = page.locator('svg').filter({ hasText: 'providedBy' });
  await expect(graph.getByText('Web team')).toBeVisible();
  await expect(graph.getByText('local (oci registry)')).toBeVisible();
  await expect(graph.getByText('ownerOf')).toBeVisible();
});

test('Provider entities exist for the executor, registry and source host', async ({
  page,
}) => {
  await openAsGuest(
    page,
    '/catalog?filters%5Bkind%5D=provider&filters%5Buser%5D=all',
  );
  const table = page.getByRole('table');
  for (const name of [
    /local-docker/,
    /local \(oci registry\)|registry-local/,
    /github/,
  ]) {
    await expect(table.getByRole('link', { name }).first()).toBeVisible();
  }
});

test("a Provider page shows the executor's health and emulated platforms", async ({
  page,
}) => {
  // The test command starts the Docker engine and registers QEMU for s390x.
  await openAsGuest(page, '/catalog/default/provider/executor-local-docker');
  await expect(page.getByText('Health', { exact: true })).toBeVisible();
  await expect(page.getByText('OK', { exact: true })).toBeVisible();
  await expect(page.getByText('linux/s390x (QEMU)')).toBeVisible();
});
