import { expect, test } from '@playwright/test';
import { openAsGuest, reloadUntilVisible } from './signIn';

/*
 * examples/images.yaml: hello-web's Dockerfile is FROM
 * ${BASE}:${BASE_TAG} = localhost:5000/base/busybox:stable, which busybox-base
 * publishes. The factory reads the Dockerfiles from the config repository on
 * the GitHub test server.
 */
test('the Dependencies tab shows the graph and highlights the predicted rebuild cascade', async ({
  page,
}) => {
  await openAsGuest(page, '/catalog/default/image/busybox-base/dependencies');
  const base = page.locator('[data-node="localhost:5000/base/busybox:stable"]');
  const dependent = page.locator(
    '[data-node="localhost:5000/apps/hello-web:latest"]',
  );
  await reloadUntilVisible(page, dependent);

  await base.click();
  await expect(base).toHaveAttribute('data-highlight', 'changed');
  await expect(dependent).toHaveAttribute('data-highlight', 'rebuilt');
  const rebuilds = page.getByRole('list', { name: 'Predicted rebuilds' });
  await expect(
    rebuilds.getByRole('link', { name: /hello-web|Hello web/ }),
  ).toBeVisible();
});
