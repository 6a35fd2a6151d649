import { expect, Page, test } from '@playwright/test';
import { readImagesYaml, writeImagesYaml } from './configRepository';
import { openAsGuest, reloadUntilVisible } from './signIn';

let original: string;
test.beforeEach(async () => {
  original = (await readImagesYaml()).text;
});
test.afterEach(async () => {
  await writeImagesYaml(original, 'Restore images.yaml');
});

/** On the GitHub test server's pull request page, as a reviewer: merge. */
async function mergeAsReviewer(page: Page, pullRequestUrl: string) {
  await page.goto(pullRequestUrl);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Merge pull request' }).click();
  await expect(page.getByTestId('pull-state')).toHaveText('Merged');
}

/** Reloads the entity page until the catalog has processed the change. */
async function expectEntityPage(page: Page, name: string, text: string) {
  await page.goto(`/catalog/default/image/${name}`);
  await reloadUntilVisible(page, page.getByText(text).first());
}

test('enrolling with the template opens a pull request; merging it puts the image in the catalog; un-enrolling removes it', async ({
  page,
}) => {
  // The user runs the template "Enroll a container image".
  await openAsGuest(page, '/create');
  // The card of this template: the innermost element with its title and a
  // Choose button, and not the other templates' (Enroll a wheel set).
  const card = page
    .locator('div')
    .filter({ hasText: 'Enroll a container image' })
    .filter({ hasNotText: 'Enroll a wheel set' })
    .filter({ has: page.getByRole('button', { name: 'Choose' }) })
    .last();
  await card.getByRole('button', { name: 'Choose' }).click();

  await page.getByLabel(/^Name/).fill('e2e-web');
  const owner = page.getByRole('textbox', { name: /^Owner/ });
  await owner.click();
  await owner.fill('Web');
  await page
    .getByRole('option', { name: /Web team/ })
    .first()
    .click();
  await page.getByLabel(/^Title/).fill('E2E web');
  await page.getByLabel(/^Image reference/).fill('localhost:5000/apps/e2e-web');
  await page.getByLabel(/^Reason/).fill('Shown by the e2e test');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel(/^Repository/).fill('image-factory/examples');
  await page.getByLabel(/^Dockerfile/).fill('dockerfiles/hello-web/Dockerfile');
  await page.getByLabel(/^Build context/).fill('dockerfiles/hello-web');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('linux/s390x').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click(); // rebuild policy
  await page.getByRole('button', { name: 'Review' }).click(); // stages
  await page.getByRole('button', { name: 'Create' }).click();

  // The task ends with a link to the pull request.
  const link = page.getByRole('link', { name: 'Pull request' });
  await expect(link).toBeVisible({ timeout: 60_000 });
  const pullRequestUrl = await link.getAttribute('href');
  expect(pullRequestUrl).toMatch(
    /^http:\/\/127\.0\.0\.1:7011\/image-factory\/examples\/pull\/\d+$/,
  );

  // The pull request shows who asked and the entry; the reviewer merges it.
  await page.goto(pullRequestUrl!);
  await expect(
    page.getByText(
      'Enroll image e2e-web (managed, owner group:default/team-web)',
    ),
  ).toBeVisible();
  await expect(
    page.getByText('Requested by `user:default/guest`'),
  ).toBeVisible();
  await expect(page.getByText('+  - name: e2e-web')).toBeVisible();
  await mergeAsReviewer(page, pullRequestUrl!);

  // The image is in the catalog within a refresh.
  await expectEntityPage(page, 'e2e-web', 'localhost:5000/apps/e2e-web');

  // Un-enroll from the Image page: another pull request, merged the same way.
  await page.getByRole('button', { name: 'Un-enroll' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('The e2e test is done with it');
  await dialog.getByRole('button', { name: 'Un-enroll' }).click();
  const unenrollLink = dialog.getByRole('link', { name: /#\d+/ });
  await expect(unenrollLink).toBeVisible({ timeout: 30_000 });
  const unenrollUrl = await unenrollLink.getAttribute('href');
  await mergeAsReviewer(page, unenrollUrl!);

  // The entity leaves the catalog for the archive; images.yaml no longer has it.
  await page.goto('/catalog/default/image/e2e-web');
  await reloadUntilVisible(page, page.getByText(/e2e-web was un-enrolled/));
  await expect(
    page.getByRole('button', { name: 'Re-enroll e2e-web' }),
  ).toBeVisible();
  expect((await readImagesYaml()).text).not.toContain('e2e-web');
});
