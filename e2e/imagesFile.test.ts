import { expect, test } from '@playwright/test';
import { readImagesYaml, writeImagesYaml } from './configRepository';
import { openAsGuest, reloadUntilVisible } from './signIn';

let original: string;
test.beforeEach(async () => {
  original = (await readImagesYaml()).text;
});
test.afterEach(async () => {
  await writeImagesYaml(original, 'Restore images.yaml');
});

test('a push to images.yaml updates the catalog and reports the bad entry', async ({
  page,
}) => {
  await writeImagesYaml(
    `${original}
  - name: added-later
    type: external
    owner: platform-team
    reference: docker.io/library/alpine:3.20
  - name: escaping-path
    type: managed
    owner: team-web
    reference: localhost:5000/apps/escaping
    source:
      repo: acme/escaping
      dockerfile: ../../etc/passwd
`,
    'Add added-later and escaping-path',
  );

  // The new valid entry appears in the catalog within a refresh (the entity
  // page loads once, so reload until the catalog has processed it)...
  await openAsGuest(page, '/catalog/default/image/added-later');
  await reloadUntilVisible(
    page,
    page.getByText('docker.io/library/alpine:3.20').first(),
  );

  // ...and the factory's status page names the bad entry and field.
  await page.goto('/image-factory');
  await expect(async () => {
    await page.getByRole('button', { name: /refresh/i }).click();
    await expect(
      // examples/images.yaml has six images: escaping-path is the eighth.
      page.getByText('images[7].source.dockerfile').first(),
    ).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 30_000 });
  await expect(
    page.getByText('must be a relative path inside the repository').first(),
  ).toBeVisible();
  await expect(page.getByText('escaping-path').first()).toBeVisible();

  // The other images stay in the catalog.
  await page.goto('/catalog/default/image/hello-web');
  await expect(
    page.getByText('localhost:5000/apps/hello-web').first(),
  ).toBeVisible();
});
