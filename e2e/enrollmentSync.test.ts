import { expect, Page, test } from '@playwright/test';
import { readImagesYaml, writeImagesYaml } from './configRepository';
import { reloadUntilVisible } from './signIn';

let original: string;
test.beforeEach(async () => {
  original = (await readImagesYaml()).text;
});
test.afterEach(async () => {
  await writeImagesYaml(original, 'Restore images.yaml');
});

/** Enrolls a managed image with the enroll form; returns its pull request's URL. */
/** The enroll page, signing in as the guest when a full load asks again. */
async function openEnrollPage(page: Page) {
  const form = page.getByRole('form', { name: 'Enroll an image' });
  await expect(async () => {
    await page.goto('/image-factory/enroll');
    const enter = page.getByRole('button', { name: 'Enter' });
    await expect(enter.or(form).first()).toBeVisible({ timeout: 10_000 });
    if (await enter.isVisible()) await enter.click();
    await expect(form).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
  return form;
}

async function enrollWithForm(page: Page, name: string) {
  const form = await openEnrollPage(page);
  await form.getByRole('textbox', { name: /^Name/ }).fill(name);
  await form
    .getByRole('textbox', { name: /^Owner/ })
    .fill('group:default/team-web');
  await form
    .getByRole('textbox', { name: /^Image reference/ })
    .fill(`localhost:5000/apps/${name}`);
  await form
    .getByRole('textbox', { name: /^GitHub repository/ })
    .fill('image-factory/examples');
  await form
    .getByRole('textbox', { name: /^Dockerfile path/ })
    .fill('dockerfiles/hello-web/Dockerfile');
  await form
    .getByRole('textbox', { name: /^Build context/ })
    .fill('dockerfiles/hello-web');
  await form.getByRole('button', { name: /pull request/ }).click();
  const link = form.getByRole('status').getByRole('link');
  await expect(link).toBeVisible({ timeout: 30_000 });
  return (await link.getAttribute('href'))!;
}

async function merge(page: Page, pullRequestUrl: string) {
  await page.goto(pullRequestUrl);
  await page.getByRole('button', { name: 'Merge pull request' }).click();
  await expect(page.getByTestId('pull-state')).toHaveText('Merged');
}

test('two open enrollments: once one is merged, the factory re-applies the other, which merges too', async ({
  page,
}) => {
  const first = await enrollWithForm(page, 'e2e-one');
  const second = await enrollWithForm(page, 'e2e-two');
  expect(second).not.toBe(first);

  // Both add an entry at the end of the list: merged as made, the second
  // would conflict.
  await merge(page, first);

  // The factory moved the second onto the new main and said so.
  await page.goto(second);
  await reloadUntilVisible(page, page.getByText('Re-applied on the new base'));
  await expect(page.getByTestId('mergeable')).toHaveText(
    'This branch has no conflicts with the base branch',
  );

  // The portal's change request list shows it too.
  await openEnrollPage(page);
  await expect(page.getByText('re-applied on the new base')).toBeVisible({
    timeout: 30_000,
  });

  await merge(page, second);
  const { text } = await readImagesYaml();
  expect(text).toContain('- name: e2e-one');
  expect(text).toContain('- name: e2e-two');
});
