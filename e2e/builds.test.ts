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

test('Build now builds every platform, pushes an image index and shows the digests', async ({
  page,
  request,
}) => {
  await openAsGuest(page, '/catalog/default/image/hello-static-e2e/builds');
  // The catalog has the image within a refresh.
  const buildNow = page.getByRole('button', { name: 'Build now' });
  await reloadUntilVisible(page, buildNow);

  await page.getByLabel('Reason').fill('e2e: first build');
  await buildNow.click();

  // The run goes from queued to succeeded, live.
  const run = page.getByRole('row').filter({ hasText: 'e2e: first build' });
  await expect(run.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: 180_000,
  });
  await expect(run.getByText(/^sha256:/)).toBeVisible();
  const platforms = page.getByRole('table', { name: 'Platforms' });
  await expect(platforms.getByText('linux/amd64')).toBeVisible();
  await expect(platforms.getByText('linux/s390x')).toBeVisible();
  await expect(platforms.getByText('QEMU')).toBeVisible();

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
});
