import { expect, test } from '@playwright/test';
import { readImagesYaml, writeImagesYaml } from './configRepository';
import { openAsGuest, reloadUntilVisible } from './signIn';

/** One platform, pushed to the e2e registry: a quick build. */
const ARCHIVE_E2E = `
  - name: archive-e2e
    type: managed
    owner: team-web
    reference: 127.0.0.1:5055/e2e/archive:latest
    platforms: [linux/amd64]
    source:
      repo: image-factory/examples
      dockerfile: dockerfiles/hello-static/Dockerfile
      context: dockerfiles/hello-static
`;

let original: string;
test.beforeEach(async () => {
  original = (await readImagesYaml()).text;
  await writeImagesYaml(`${original}${ARCHIVE_E2E}`, 'Add archive-e2e');
});
test.afterEach(async () => {
  await writeImagesYaml(original, 'Restore images.yaml');
});

test('an ImageBuild has its own page, and an un-enrolled image goes to the archive with its builds', async ({
  page,
}) => {
  test.setTimeout(420_000);
  await openAsGuest(page, '/catalog/default/image/archive-e2e/builds');
  const buildNow = page.getByRole('button', { name: 'Build now' });
  await reloadUntilVisible(page, buildNow);
  await page.getByLabel('Reason').fill('e2e: archive');
  await buildNow.click();
  // This run, or the first build the factory queued on its own.
  const succeeded = page
    .getByRole('row')
    .filter({ has: page.getByText('Succeeded', { exact: true }) })
    .first();
  await expect(succeeded).toBeVisible({ timeout: 180_000 });

  // The build is an ImageBuild entity with its own page.
  await page.goto('/catalog?filters[kind]=imagebuild&filters[user]=all');
  const buildLink = page.getByRole('link', { name: /^archive-e2e sha256:/ });
  await reloadUntilVisible(page, buildLink);
  await buildLink.first().click();
  const runLink = page.getByRole('link', {
    name: 'Open the run in the Builds tab',
  });
  await expect(runLink).toBeVisible();
  await expect(page.getByText('Image index digest')).toBeVisible();
  await expect(page.getByText('Source revision')).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Platforms' }).getByText('linux/amd64'),
  ).toBeVisible();
  await runLink.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/image\/archive-e2e\/builds\?run=/,
  );
  await expect(page.getByText(/^Run of/)).toBeVisible();

  // Un-enrolled: the factory page keeps it in the archive with its builds.
  await writeImagesYaml(original, 'Remove archive-e2e');
  await page.goto('/image-factory');
  const archived = page.getByRole('region', { name: 'archive-e2e' });
  await reloadUntilVisible(page, archived);
  await expect(archived.getByText(/^Un-enrolled/)).toBeVisible();
  await expect(
    archived
      .getByRole('table', { name: 'Builds of archive-e2e' })
      .getByText('Succeeded')
      .first(),
  ).toBeVisible();
  await expect(
    archived.getByRole('button', { name: 'Re-enroll archive-e2e' }),
  ).toBeVisible();

  // Its page says where it went instead of "Entity not found".
  await page.goto('/catalog/default/image/archive-e2e');
  await reloadUntilVisible(page, page.getByText(/archive-e2e was un-enrolled/));
  await page.getByRole('button', { name: 'Re-enroll archive-e2e' }).click();
  await expect(
    page
      .getByRole('form', { name: 'Enroll an image' })
      .getByRole('textbox', { name: /^Name/ }),
  ).toHaveValue('archive-e2e');
});
