import { execFileSync } from 'child_process';
import { expect, test } from '@playwright/test';
import { openAsGuest, reloadUntilVisible } from './signIn';

/*
 * What a new user sees after `./scripts/start`: the example chain of
 * examples/images.yaml builds by itself, offline. busybox-base (FROM the
 * busybox-upstream image the test command makes from Debian's busybox-static
 * on localhost:5000) gets its enrollment build; hello-web waits for it, then
 * builds for linux/amd64 and linux/s390x, and the s390x image really ran
 * s390x code (its page says which machine built it).
 */
test('the example images build by themselves, in dependency order', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await openAsGuest(page, '/catalog/default/image/busybox-base/builds');
  const base = page.getByRole('row').filter({ hasText: 'Enrollment' });
  await reloadUntilVisible(page, base.first());
  await expect(base.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: 420_000,
  });

  await page.goto('/catalog/default/image/hello-web/builds');
  const web = page.getByRole('row').filter({ hasText: 'Enrollment' });
  await reloadUntilVisible(page, web.first());
  await expect(web.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: 300_000,
  });
  // One enrollment build: it waited for its base instead of failing first.
  await expect(web).toHaveCount(1);

  // A real client pulls the s390x image of the index and runs it (QEMU).
  const page390 = execFileSync(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'none',
      '--pull',
      'always',
      '--platform',
      'linux/s390x',
      'localhost:5000/apps/hello-web',
      'cat',
      '/www/index.html',
    ],
    { encoding: 'utf8' },
  );
  expect(page390.trim()).toBe('hello from s390x');
});
