import { expect, test } from './fixtures';

// A rolling deploy: replicas of the new build answer while a tab opened on the old one is still asking.

test('a tab left open across a deploy says the board was updated, and reloads into the new build', async ({ page }) => {
  // The Faro reference asks /api/faro/stats every 5 s.
  await page.goto('/reference/faro');
  const own = await page.locator('html').getAttribute('data-board-build');
  expect(own).toBeTruthy();
  const banner = page.getByTestId('board-updated-banner');
  // Answers of the page's own build are read as ever.
  const sameBuild = await page.waitForResponse((r) => r.url().includes('/api/faro/stats'));
  expect(sameBuild.headers()['x-board-build']).toBe(own);
  await expect(banner).toHaveCount(0);

  // A replica of a newer build answers the next poll.
  const newerBuild = async (route: import('@playwright/test').Route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'x-board-build': `${own}-next` } });
  };
  await page.route('**/api/faro/stats*', newerBuild);
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText('rollout-board was updated while this page was open');

  // Reloading gets the page the serving build renders; its answers are its own again.
  await page.unroute('**/api/faro/stats*', newerBuild);
  await banner.getByRole('button', { name: 'Reload' }).click();
  await page.waitForResponse((r) => r.url().includes('/api/faro/stats'));
  await expect(banner).toHaveCount(0);
});
