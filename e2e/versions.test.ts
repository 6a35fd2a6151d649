import { expect, test } from '@playwright/test';
import { readImagesYaml, writeImagesYaml } from './configRepository';
import { pushBusyboxVariant } from './registryPush';
import { openAsGuest, reloadUntilVisible } from './signIn';

const short = (digest: string) => digest.slice(7, 19);

let original: string;
test.beforeEach(async () => {
  original = (await readImagesYaml()).text;
});
test.afterEach(async () => {
  await writeImagesYaml(original, 'Restore images.yaml');
});

test('an image built twice with a base change in between shows two versions, and comparing them says the base changed', async ({
  page,
}) => {
  test.setTimeout(600_000);
  // New base digests on every attempt: a retry must not meet the last one's images.
  const run = Date.now();
  const firstBase = await pushBusyboxVariant(
    'base/versions-upstream',
    '1',
    `one-${run}`,
  );
  await writeImagesYaml(
    `${original}
  - name: versions-e2e-upstream
    type: external
    owner: platform-team
    reference: 127.0.0.1:5055/base/versions-upstream:1
    platforms: [linux/amd64]
  - name: versions-e2e
    type: managed
    owner: team-web
    title: Versions (e2e)
    reference: 127.0.0.1:5055/e2e/versions:1.0.0
    platforms: [linux/amd64]
    source:
      repo: image-factory/examples
      dockerfile: dockerfiles/busybox-base/Dockerfile
      context: dockerfiles/busybox-base
    buildArgs:
      UPSTREAM: 127.0.0.1:5055/base/versions-upstream:1
    rebuild:
      auto: true
      delay: 0s
      coalesceWindow: 0s
`,
    'Add versions-e2e',
  );

  // The first build, by itself.
  await openAsGuest(page, '/catalog/default/image/versions-e2e/builds');
  const enrollment = page
    .getByRole('row')
    .filter({ hasText: 'first seen in images.yaml' });
  await reloadUntilVisible(page, enrollment.first());
  await expect(enrollment.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: 300_000,
  });

  // The base changes upstream: the registry tells the factory, which rebuilds.
  const secondBase = await pushBusyboxVariant(
    'base/versions-upstream',
    '1',
    `two-${run}`,
  );
  expect(secondBase).not.toBe(firstBase);
  const rebuild = page
    .getByRole('row')
    .filter({ hasText: 'Base image changed' });
  await reloadUntilVisible(page, rebuild.first(), 180_000);
  await expect(
    rebuild.first().getByText('Succeeded', { exact: true }),
  ).toBeVisible({ timeout: 300_000 });

  // The Versions tab: two versions, the newer one tagged 1.0.0, each built
  // on its own base digest.
  await page.goto('/catalog/default/image/versions-e2e/versions');
  const rows = page
    .getByRole('row')
    .filter({ has: page.getByRole('checkbox') });
  await reloadUntilVisible(page, rows.nth(1), 60_000);
  await expect(rows).toHaveCount(2);
  // Semantic order: the rebuild holds `1.0.0` now, the first build keeps its run tag.
  const [newer, older] = [rows.nth(0), rows.nth(1)];
  await expect(newer.getByText('1.0.0', { exact: true })).toBeVisible();
  await expect(newer).toContainText('Base image changed');
  await expect(newer).toContainText(short(secondBase));
  await expect(newer.getByText('linux/amd64')).toBeVisible();
  await expect(older).toContainText('Enrollment');
  await expect(older).toContainText(short(firstBase));
  await expect(older).not.toContainText(short(secondBase));

  // README_SCREENSHOTS=1 refreshes the README's pictures from this run.
  const picture = async (name: string, tall = false) => {
    if (!process.env.README_SCREENSHOTS) return;
    // The portal scrolls inside its own pane: a tall window shows the whole table.
    if (tall) await page.setViewportSize({ width: 1400, height: 1250 });
    await page.screenshot({ path: `docs/images/${name}.png` });
    if (tall) await page.setViewportSize({ width: 1280, height: 720 });
  };
  await picture('versions-tab', true);

  // Compare: the summary says why the newer one exists.
  await rows.nth(0).getByRole('checkbox').check();
  await rows.nth(1).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Compare' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Summary')).toContainText(
    `base 127.0.0.1:5055/base/versions-upstream:1 changed sha256:${short(
      firstBase,
    )}… → sha256:${short(secondBase)}…`,
  );
  const bases = dialog.getByRole('table', { name: 'Bases' });
  await expect(bases).toContainText(short(firstBase));
  await expect(bases).toContainText(short(secondBase));
  await expect(
    dialog.getByRole('table', { name: 'Platforms' }).getByText('linux/amd64'),
  ).toBeVisible();
  await picture('versions-compare');

  // The overview's card: the newest first, the other one behind.
  await page.goto('/catalog/default/image/versions-e2e');
  const card = page
    .getByText('Latest versions', { exact: true })
    .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');
  await expect(card.getByText('newest')).toBeVisible();
  await expect(card.getByText('1 behind', { exact: true })).toBeVisible();
  if (process.env.README_SCREENSHOTS) {
    await card.screenshot({ path: 'docs/images/versions-card.png' });
  }
});
