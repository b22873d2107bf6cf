import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { signIn } from './sign-in';

const PAGES = [
  '/',
  '/?state=closed-unverified',
  '/?service=traction&capability=faro-code',
  '/services/traction',
  '/progress',
  '/reference/faro',
  '/unmapped',
];

/** Serious and critical violations, with WCAG 2.5.3 (a control's name contains its visible text) checked too. */
async function blockingViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

for (const path of PAGES) {
  test(`${path} has no serious or critical accessibility violation`, async ({ page }) => {
    await page.goto(path);
    await expect(page.locator('main')).toBeVisible();
    // Hydrated: the Verify buttons (client-only) are part of the scan.
    if (path === '/') await expect(page.getByRole('button', { name: 'Verify every cell now' })).toBeVisible();
    expect(await blockingViolations(page)).toEqual([]);
  });
}

// The pages the list above leaves out: sign-in, a page that does not exist, and what an engineer sees on admin pages.
for (const path of ['/signin', '/audit', '/settings/notifications']) {
  test(`${path} has no serious or critical accessibility violation`, async ({ page }) => {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    expect(await blockingViolations(page)).toEqual([]);
  });
}

test.describe('a page that does not exist', () => {
  // The browser logs the 404 answer itself.
  test.use({ allowedConsoleErrors: [/status of 404 \(Not Found\) \(http:[^)]*\/no-such-page\)/] });
  test('names itself and has no serious or critical accessibility violation', async ({ page }) => {
    const answer = await page.goto('/no-such-page');
    expect(answer?.status()).toBe(404);
    await expect(page).toHaveTitle('Not found · rollout-board');
    await expect(page.locator('main h1')).toHaveText('Not found');
    expect(await blockingViolations(page)).toEqual([]);
  });
});

test.describe('as the demo admin', () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  test('/audit and /settings/notifications have no serious or critical accessibility violation', async ({ page }) => {
    await signIn(page, 'admin', '/audit');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit trail');
    expect(await blockingViolations(page)).toEqual([]);
    await page.goto('/settings/notifications');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await blockingViolations(page)).toEqual([]);
  });
});

test.describe('on a phone (390 px)', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  for (const path of ['/', '/?state=closed-unverified', '/services/traction', '/progress', '/reference/faro']) {
    test(`${path} has no serious or critical accessibility violation`, async ({ page }) => {
      await page.goto(path);
      await expect(page.locator('main')).toBeVisible();
      expect(await blockingViolations(page)).toEqual([]);
    });
  }
});
