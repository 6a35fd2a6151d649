import { expect, test } from '@playwright/test';
import { readImagesYaml, writeImagesYaml } from './configRepository';
import { openAsGuest, reloadUntilVisible } from './signIn';

/** Pushed to the e2e registry (see playwright.config.ts), for two platforms. */
const HELLO_STATIC = `
  - name: hello-static-e2e
    type: managed
    owner: team-web
    title: Hello static (e2e)
    reference: 127.0.0.1:5055/e2e/hello-static:latest
    platforms: [linux/amd64, linux/s390x]
    source:
      repo: image-factory/examples
      dockerfile: dockerfiles/hello-static/Dockerfile
      context: dockerfiles/hello-static
`;

let original: string;
test.beforeEach(async () => {
  original = (await readImagesYaml()).text;
  await writeImagesYaml(`${original}${HELLO_STATIC}`, 'Add hello-static');
});
test.afterEach(async () => {
  await writeImagesYaml(original, 'Restore images.yaml');
});

test('an added image builds by itself for every platform, pushes an image index and shows the digests; Build now builds it again', async ({
  page,
  request,
}) => {
  // The example images' own first builds may be ahead in the queue.
  test.setTimeout(600_000);
  await openAsGuest(page, '/catalog/default/image/hello-static-e2e/builds');
  // The catalog has the image within a refresh; its enrollment build is
  // queued by the factory, nobody presses a button.
  const enrollment = page
    .getByRole('row')
    .filter({ hasText: 'first seen in images.yaml' });
  await reloadUntilVisible(page, enrollment.first());
  await expect(enrollment).toHaveCount(1);

  // The run goes from queued to succeeded, live.
  await expect(enrollment.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: 420_000,
  });
  await expect(enrollment.getByText(/^sha256:/)).toBeVisible();
  const platforms = page.getByRole('table', { name: 'Platforms' });
  await expect(platforms.getByText('linux/amd64')).toBeVisible();
  await expect(platforms.getByText('linux/s390x')).toBeVisible();
  await expect(platforms.getByText('QEMU')).toBeVisible();

  // The log reads as BuildKit's steps, per platform: the Dockerfile's COPY is
  // a step of its own, done (with its duration) or from the engine's cache.
  const log = page.getByRole('log', { name: 'Build log' });
  for (const platform of ['linux/amd64', 'linux/s390x']) {
    const copy = log
      .getByRole('list', { name: `${platform} steps` })
      .getByRole('listitem', { name: /COPY hello\.txt \/hello\.txt$/ });
    await expect(copy).toBeVisible();
    await expect(copy.getByText(/^(\d+\.\ds|cached)$/)).toBeVisible();
  }

  // The registry holds an image index with one manifest per platform.
  const index = await request.get(
    'http://127.0.0.1:5055/v2/e2e/hello-static/manifests/latest',
    {
      headers: {
        accept:
          'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json',
      },
    },
  );
  expect(index.status(), await index.text()).toBe(200);
  const body = await index.json();
  expect(
    body.manifests.map(
      (m: { platform: { architecture: string } }) => m.platform.architecture,
    ),
  ).toEqual(expect.arrayContaining(['amd64', 's390x']));

  // Build now, forced since nothing changed, builds it again.
  await page.getByLabel('Reason').fill('e2e: again');
  await page.getByLabel('Force (even if up to date)').check();
  await page.getByRole('button', { name: 'Build now' }).click();
  const again = page.getByRole('row').filter({ hasText: 'e2e: again' });
  await expect(again.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: 180_000,
  });
  // Built again from the same source, its steps come from BuildKit's cache.
  await again.click();
  const cachedCopy = log
    .getByRole('list', { name: 'linux/s390x steps' })
    .getByRole('listitem', { name: /COPY hello\.txt \/hello\.txt$/ });
  await expect(cachedCopy.getByText('cached', { exact: true })).toBeVisible();
  await log
    .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]')
    .screenshot({ path: test.info().outputPath('build-log-buildkit.png') });
});
