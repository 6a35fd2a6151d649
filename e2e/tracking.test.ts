import { expect, test } from '@playwright/test';
import { readImagesYaml, writeImagesYaml } from './configRepository';
import { pushTinyImage } from './registryPush';
import { openAsGuest, reloadUntilVisible } from './signIn';

let original: string;
test.beforeEach(async () => {
  original = (await readImagesYaml()).text;
});
test.afterEach(async () => {
  await writeImagesYaml(original, 'Restore images.yaml');
});

const short = (digest: string) => `${digest.slice(0, 19)}…`;

test('a watched base image shows its digest, and a push to the registry is seen at once', async ({
  page,
}) => {
  const first = await pushTinyImage('base/e2e-runtime', '1', 'first');
  await writeImagesYaml(
    `${original}
  - name: e2e-runtime
    type: external
    owner: platform-team
    title: E2E runtime
    reference: 127.0.0.1:5055/base/e2e-runtime:1
    watch:
      interval: 12h
`,
    'Watch e2e-runtime',
  );

  // Tracking checks the new reference once the catalog and the backend read it.
  await openAsGuest(page, '/catalog/default/image/e2e-runtime');
  const card = page
    .getByText('Upstream digest', { exact: true })
    .locator('xpath=ancestor::div[.//*[text()="Current digest"]][1]');
  await reloadUntilVisible(page, card.getByText(short(first)));

  // A new push: the registry notifies the factory, which checks at once
  // (polling alone would look again in 12 hours).
  const second = await pushTinyImage('base/e2e-runtime', '1', 'second');
  await reloadUntilVisible(page, card.getByText(short(second)), 30_000);
  await expect(card.getByText(short(first))).toBeVisible();

  // The factory page shows what tracking asked of that registry.
  await page.goto('/image-factory');
  const budgets = page
    .getByText('Registry request budgets', { exact: true })
    .locator('xpath=ancestor::div[.//*[text()="Tokens left"]][1]');
  await expect(
    budgets.getByRole('row').filter({ hasText: '127.0.0.1:5055' }),
  ).toContainText(/[1-9]\d* in the last hour/);
});
