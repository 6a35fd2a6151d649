import { expect, test } from '@playwright/test';
import { openAsGuest } from './signIn';

const API = 'http://127.0.0.1:7011/api/v3/repos/image-factory/examples';

/** Whether the enrollment's branch exists in the config repository. */
async function enrollBranchExists(): Promise<boolean> {
  const ref = await fetch(
    `${API}/git/ref/heads/image-factory/enroll-e2e-broken`,
    { headers: { authorization: 'token e2e-token' } },
  );
  return ref.status === 200;
}

test('the enroll form names a source that does not exist at its field, and asks to confirm a platform no executor builds', async ({
  page,
}) => {
  await openAsGuest(page, '/image-factory/enroll');
  const form = page.getByRole('form', { name: 'Enroll an image' });
  await form.getByRole('textbox', { name: /^Name/ }).fill('e2e-broken');
  await form
    .getByRole('textbox', { name: /^Owner/ })
    .fill('group:default/team-web');
  await form
    .getByRole('textbox', { name: /^Image reference/ })
    .fill('localhost:5000/apps/e2e-broken');
  await form
    .getByRole('textbox', { name: /^GitHub repository/ })
    .fill('image-factory/examples');
  await form
    .getByRole('textbox', { name: /^Dockerfile path/ })
    .fill('dockerfiles/nowhere/Dockerfile');
  await form.getByRole('checkbox', { name: 'linux/ppc64le' }).check();
  await form.getByRole('button', { name: /pull request/ }).click();

  // The factory read the real repository on the test server: each problem at its field.
  await expect(
    form.getByText(
      'dockerfiles/nowhere/Dockerfile does not exist in image-factory/examples on branch main',
      { exact: true },
    ),
  ).toBeVisible({ timeout: 30_000 });
  await expect(
    form.getByText(/^'linux\/ppc64le': no executor builds linux\/ppc64le yet/),
  ).toBeVisible();
  await expect(
    form.getByRole('checkbox', {
      name: /^No executor builds linux\/ppc64le yet: enroll anyway/,
    }),
  ).toBeVisible();
  // Nothing was written: no branch, so no pull request.
  expect(await enrollBranchExists()).toBe(false);
});
