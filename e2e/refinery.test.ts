import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { readConfigFile, writeConfigFile } from './configRepository';
import { openAsGuest, reloadUntilVisible } from './signIn';

/*
 * The wheel refinery as a user meets it: a wheel set enrolled from the
 * Refinery page by pull request, merged by a reviewer, run, planned and built
 * for linux/s390x (through QEMU), and then installed with pip from the
 * portal's index in an s390x container, where its C extension imports.
 * The set builds in wheel-builder, an image of examples/images.yaml the
 * factory itself builds (FROM the debootstrap builders ./scripts/test pushes
 * to the local registry): the run's plan names that image's build.
 * The upstream index (real sdists from Debian's pool) is served on
 * 127.0.0.1:7013 (playwright.config.ts).
 */

const run = promisify(execFile);
const SET = 'e2e-templating';
const S390X_BUILDER = 'image-factory/wheel-builder:bookworm-s390x';

let original: string;
test.beforeEach(async () => {
  original = (await readConfigFile('wheels.yaml')).text;
});
test.afterEach(async () => {
  await writeConfigFile('wheels.yaml', original, 'Restore wheels.yaml');
});

test('a wheel set enrolled by pull request is built for s390x and installs with pip from the portal', async ({
  page,
}) => {
  test.setTimeout(900_000);
  // The factory has built the builder image (its enrollment build).
  await openAsGuest(page, '/catalog/default/image/wheel-builder/builds');
  const builder = page.getByRole('row').filter({ hasText: 'Enrollment' });
  await reloadUntilVisible(page, builder.first());
  await expect(builder.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: 420_000,
  });

  await page.goto('/image-factory/refinery');
  await page.getByRole('button', { name: 'Enroll wheel set' }).click();
  const form = page.getByRole('dialog');
  await form.getByLabel(/^Name/).fill(SET);
  await form.getByLabel(/^Owner/).fill('group:default/team-web');
  // A wrong specifier is named at its line before anything is sent.
  await form.getByLabel(/^Requirements/).fill('MarkupSafe=2.1.2');
  await form.getByLabel(/^Python/).click();
  await expect(
    form.getByText(/^line 1: 'MarkupSafe=2\.1\.2': '=2\.1\.2' is not/),
  ).toBeVisible();
  await form.getByLabel(/^Requirements/).fill('MarkupSafe==2.1.2');
  await form.getByRole('checkbox', { name: 'linux/amd64' }).uncheck();
  await form
    .getByLabel(/^Upstream index/)
    .fill('http://127.0.0.1:7013/simple/');
  await form.getByRole('button', { name: 'Open pull request' }).click();
  await expect(form.getByText('Pull request opened')).toBeVisible();
  const pullRequest = await form
    .getByRole('link', { name: /image-factory\/examples#\d+/ })
    .getAttribute('href');
  await form.getByRole('button', { name: 'Close' }).click();

  // A reviewer merges it: that is the approval.
  const review = await page.context().newPage();
  await review.goto(pullRequest!);
  await expect(
    review.getByText('+    requirements: [MarkupSafe==2.1.2]'),
  ).toBeVisible();
  await review.getByRole('button', { name: 'Merge pull request' }).click();
  await expect(review.getByTestId('pull-state')).toHaveText('Merged');
  await review.close();

  // The set is there once merged; Run plans and builds it.
  const runButton = page.getByRole('button', { name: `Run ${SET}` });
  await expect(async () => {
    await page.reload();
    await expect(runButton).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await runButton.click();
  await expect(page.getByText(`Run of ${SET}`)).toBeVisible();
  // The plan ran in the factory's build of wheel-builder, pulled by digest;
  // the link shows the Image's title once the catalog answers.
  const plan = page.getByText(
    /^in (Wheel builder|wheel-builder) \(sha256:[0-9a-f]{12}\)$/,
  );
  await expect(plan.first()).toBeVisible({ timeout: 300_000 });
  await expect(plan.first().getByRole('link')).toHaveAttribute(
    'href',
    '/catalog/default/image/wheel-builder',
  );
  const builds = page
    .getByRole('table')
    .filter({ hasText: 'markupsafe 2.1.2' });
  await expect(builds.getByText('QEMU')).toBeVisible({ timeout: 300_000 });
  await expect(
    builds.getByText('MarkupSafe-2.1.2-cp311-cp311-linux_s390x.whl'),
  ).toBeVisible({ timeout: 300_000 });

  // pip on s390x installs it from the portal's index, with the guest's token.
  const token = await page.evaluate(async () => {
    const answer = await fetch('/api/auth/guest/refresh', {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    return (await answer.json()).backstageIdentity.token as string;
  });
  const { stdout } = await run(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'host',
      '--platform',
      'linux/s390x',
      '-e',
      `PIP_INDEX_URL=http://token:${token}@127.0.0.1:7007/api/image-factory/refinery/simple/`,
      S390X_BUILDER,
      'sh',
      '-c',
      'pip install -q --break-system-packages --no-cache-dir --only-binary :all: --target /t MarkupSafe==2.1.2 && ' +
        'PYTHONPATH=/t python3 -c \'import markupsafe, platform; print(platform.machine(), markupsafe.escape("<b>"), markupsafe._speedups.__file__)\'',
    ],
    { timeout: 180_000 },
  );
  expect(stdout.trim()).toBe(
    's390x &lt;b&gt; /t/markupsafe/_speedups.cpython-311-s390x-linux-gnu.so',
  );
});
