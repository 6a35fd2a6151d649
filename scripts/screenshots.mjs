// Takes the README's pictures from a running portal (default http://127.0.0.1:7007)
// whose config repository is on the GitHub test server (as in the e2e tests):
//   node scripts/screenshots.mjs [baseUrl]
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:7007';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
await page.goto(`${base}/catalog/default/image/hello-web`);
const enter = page.getByRole('button', { name: 'Enter' });
if (await enter.isVisible({ timeout: 5000 }).catch(() => false))
  await enter.click();
await page.getByText('docker pull').first().waitFor();
await page.waitForTimeout(1500); // let the relations graph settle
await page.screenshot({ path: 'docs/images/image-page.png', fullPage: true });
await page.goto(`${base}/image-factory`);
await page.getByText('Factory status').first().waitFor();
await page.waitForTimeout(500);
await page.screenshot({ path: 'docs/images/status-page.png', fullPage: true });
await page.goto(
  `${base}/catalog?filters%5Bkind%5D=image&filters%5Buser%5D=all`,
);
await page.getByRole('link', { name: 'Hello web', exact: true }).waitFor();
await page.screenshot({
  path: 'docs/images/catalog-images.png',
  fullPage: false,
});

// Enrollment: the form after a pull request was opened, with the pending list.
await page.goto(`${base}/image-factory/enroll`);
await page.getByRole('textbox', { name: /^Name/ }).fill('web-api');
await page
  .getByRole('textbox', { name: /^Owner/ })
  .fill('group:default/team-web');
await page
  .getByRole('textbox', { name: /^Image reference/ })
  .fill('localhost:5000/apps/web-api');
await page
  .getByRole('textbox', { name: /^GitHub repository/ })
  .fill('acme/web-api');
await page.getByLabel('linux/s390x').check();
await page
  .getByRole('textbox', { name: /^Reason/ })
  .fill('Public API of the web team, needed on s390x');
await page
  .getByRole('button', { name: 'Open enrollment pull request' })
  .click();
const pullLink = page.getByRole('link', { name: /#\d+/ }).first();
await pullLink.waitFor();
await page.waitForTimeout(1000);
await page.screenshot({ path: 'docs/images/enroll-page.png', fullPage: true });
// The pull request as a reviewer sees it (here on the GitHub test server).
await page.goto(await pullLink.getAttribute('href'));
await page.getByRole('button', { name: 'Merge pull request' }).waitFor();
await page.screenshot({ path: 'docs/images/pull-request.png', fullPage: true });

// Dependencies: the graph of busybox-base with its rebuild cascade highlighted.
await page.goto(`${base}/catalog/default/image/busybox-base/dependencies`);
const baseNode = page.locator(
  '[data-node="localhost:5000/base/busybox:stable"]',
);
await baseNode.waitFor();
await baseNode.click();
await page.getByRole('list', { name: 'Predicted rebuilds' }).waitFor();
await page.waitForTimeout(500);
await page.screenshot({ path: 'docs/images/dependencies.png', fullPage: true });

// Builds: a two-platform image built and pushed (the e2e registry on :5055).
const api = 'http://127.0.0.1:7011/api/v3/repos/image-factory/examples';
const headers = {
  authorization: 'token e2e-token',
  'content-type': 'application/json',
};
const file = await (
  await fetch(`${api}/contents/images.yaml?ref=main`, { headers })
).json();
const text = Buffer.from(file.content, 'base64').toString('utf8');
await fetch(`${api}/contents/images.yaml`, {
  method: 'PUT',
  headers,
  body: JSON.stringify({
    message: 'Add hello-static',
    sha: file.sha,
    branch: 'main',
    content: Buffer.from(
      `${text}
  - name: hello-static
    type: managed
    owner: team-web
    title: Hello static
    reference: 127.0.0.1:5055/apps/hello-static:latest
    platforms: [linux/amd64, linux/s390x]
    source:
      repo: image-factory/examples
      dockerfile: dockerfiles/hello-static/Dockerfile
      context: dockerfiles/hello-static
`,
    ).toString('base64'),
  }),
});
const buildNow = page.getByRole('button', { name: 'Build now' });
for (let i = 0; i < 30; i++) {
  await page.goto(`${base}/catalog/default/image/hello-static/builds`);
  if (await buildNow.isVisible({ timeout: 3000 }).catch(() => false)) break;
}
await page.getByLabel('Reason').fill('First build');
await buildNow.click();
await page
  .getByRole('row')
  .filter({ hasText: 'First build' })
  .getByText('Succeeded', { exact: true })
  .waitFor({ timeout: 180_000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: 'docs/images/builds.png', fullPage: true });

// With tracking on (the e2e config turns it off): add `--config` of a file with
// imageFactory.tracking.enabled: true, and serve localhost:5000/base/busybox:stable
// from a docker-registry on 127.0.0.1:5000, pushed twice so that it has a history.
const cardOf = (title, inside) =>
  page
    .getByText(title, { exact: true })
    .first()
    .locator(`xpath=ancestor::div[.//*[contains(text(),"${inside}")]][1]`);
await page.goto(`${base}/image-factory`);
const budgets = cardOf('Registry request budgets', 'Tokens left');
if (await budgets.isVisible({ timeout: 5000 }).catch(() => false)) {
  await budgets.screenshot({ path: 'docs/images/registry-budgets.png' });
  await page.goto(`${base}/catalog/default/image/busybox-base`);
  const upstream = cardOf('Upstream digest', 'Previous digests');
  await upstream.waitFor();
  await upstream.screenshot({ path: 'docs/images/upstream-digest.png' });
}
await browser.close();
