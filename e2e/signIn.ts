import { expect, Page } from '@playwright/test';

/** Opens a page of the portal, entering as guest when the sign-in page shows. */
export async function openAsGuest(page: Page, url: string) {
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  const ready = page.getByRole('navigation');
  await expect(enter.or(ready).first()).toBeVisible();
  if (await enter.isVisible()) {
    await enter.click();
  }
}

/**
 * Reloads until `visible` shows (the catalog processes changes within a few
 * seconds), entering as guest again if the sign-in page comes back.
 */
export async function reloadUntilVisible(
  page: Page,
  visible: ReturnType<Page['getByText']>,
  timeout = 90_000,
) {
  await expect(async () => {
    await page.reload();
    const enter = page.getByRole('button', { name: 'Enter' });
    await expect(enter.or(visible).first()).toBeVisible({ timeout: 5_000 });
    if (await enter.isVisible()) await enter.click();
    // Long enough for a loaded machine to render the page: a reload starts over.
    await expect(visible).toBeVisible({ timeout: 8_000 });
  }).toPass({ timeout });
}
