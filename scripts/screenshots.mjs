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
await browser.close();
