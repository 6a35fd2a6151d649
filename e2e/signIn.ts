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
