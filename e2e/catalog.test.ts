import { expect, test } from '@playwright/test';
import { openAsGuest } from './signIn';

test('the catalog lists the example images with owner and type', async ({ page }) => {
  await openAsGuest(page, '/catalog?filters%5Bkind%5D=image&filters%5Buser%5D=all');
  const table = page.getByRole('table');
  for (const name of ['hello-web', 'busybox-base', 'debian-bookworm', 'python-runtime']) {
    // Titles are shown where an entry has one; the row links to the entity.
    await expect(table.getByRole('link', { name: new RegExp(name.replace('-', '.'), 'i') }).first()).toBeVisible();
  }
  await expect(table.getByText('managed').first()).toBeVisible();
  await expect(table.getByText('external').first()).toBeVisible();
});

test('an Image page shows the overview card and its relations', async ({ page }) => {
  await openAsGuest(page, '/catalog/default/image/hello-web');
  await expect(page.getByText('localhost:5000/apps/hello-web').first()).toBeVisible();
  await expect(page.getByText('linux/s390x').first()).toBeVisible();
  await expect(page.getByText('dockerfiles/hello-web/Dockerfile').first()).toBeVisible();
  // ownedBy its group, shown in the About card.
  await expect(page.getByRole('link', { name: /team-web|Web team/ }).first()).toBeVisible();
});

test('Provider entities exist for the executor, registry and source host', async ({ page }) => {
  await openAsGuest(page, '/catalog?filters%5Bkind%5D=provider&filters%5Buser%5D=all');
  const table = page.getByRole('table');
  for (const name of [/local-docker/, /local \(oci registry\)|registry-local/, /github/]) {
    await expect(table.getByRole('link', { name }).first()).toBeVisible();
  }
});
