import { expect, test } from '@playwright/test';
import fs from 'fs';
import { openAsGuest } from './signIn';

const imagesFile = () => process.env.IMAGE_FACTORY_E2E_IMAGES!;

test('editing images.yaml updates the catalog and reports the bad entry', async ({ page }) => {
  const original = fs.readFileSync(imagesFile(), 'utf8');
  fs.writeFileSync(
    imagesFile(),
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
  );

  // The new valid entry appears in the catalog within a refresh...
  await openAsGuest(page, '/catalog/default/image/added-later');
  await expect(page.getByText('docker.io/library/alpine:3.20').first()).toBeVisible({
    timeout: 60_000,
  });

  // ...and the factory's status page names the bad entry and field.
  await page.goto('/image-factory');
  await expect(page.getByText('images[5].source.dockerfile').first()).toBeVisible();
  await expect(
    page.getByText('must be a relative path inside the repository').first(),
  ).toBeVisible();
  await expect(page.getByText('escaping-path').first()).toBeVisible();

  // The other images stay in the catalog.
  await page.goto('/catalog/default/image/hello-web');
  await expect(page.getByText('localhost:5000/apps/hello-web').first()).toBeVisible();
});
