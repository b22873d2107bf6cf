import { expect, test } from './fixtures';

// Runs against the second board of playwright.config.ts: a synthetic 200-service × 6 plan with
// 5,000 synced issues and check results (e2e/fleet-server.ts).

test('a 200-service matrix renders in collapsible groups, needs attention first', async ({ page }) => {
  await page.goto('/');
  const matrix = page.getByTestId('matrix');
  await expect(matrix.locator('tbody tr[data-service]')).toHaveCount(200);
  const groups = matrix.locator('details.matrix-group');
  await expect(groups.first()).toHaveAttribute('data-group', 'attention');
  await expect(groups.first().locator('summary')).toContainText('Needs attention');

  const attention = groups.first();
  const firstRow = attention.locator('tbody tr').first();
  await expect(firstRow).toBeVisible();
  await expect(
    firstRow
      .locator('[data-state="regressed"], [data-state="closed-unverified"], [data-state="ready-to-close"]')
      .first(),
  ).toBeVisible();
  await attention.locator('summary').click();
  await expect(firstRow).toBeHidden();
  await attention.locator('summary').click();
  await expect(firstRow).toBeVisible();

  const closedGroup = await matrix.locator('details.matrix-group:not([open])').first().getAttribute('data-group');
  const collapsed = matrix.locator(`details.matrix-group[data-group="${closedGroup}"]`);
  const hiddenRow = collapsed.locator('tbody tr').first();
  await expect(hiddenRow).toBeHidden();
  await collapsed.locator('summary').click();
  await expect(hiddenRow).toBeVisible();
});

test("a cell's detail is not in the page and loads on hover or focus", async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/matrix/cells/')) requested.push(new URL(r.url()).pathname);
  });
  await page.goto('/');
  // The criteria text ("data flows") and the states' reasons travel only on demand.
  expect(await page.content()).not.toContain('data flows');
  expect(requested).toEqual([]);

  const cells = page.locator('details[open] a[data-cell]');
  const cell = cells.first();
  const key = (await cell.getAttribute('data-cell')) ?? '';
  await cell.hover();
  const detail = page.getByTestId('cell-detail');
  await expect(detail).toHaveAttribute('data-cell-detail', key);
  await expect(detail.getByTestId('cell-detail-criteria')).toContainText('data flows');
  await expect(detail.getByTestId('cell-detail-reason')).not.toBeEmpty();
  await expect(cell).toHaveAttribute('aria-describedby', 'cell-detail');
  expect(requested).toEqual([`/api/matrix/cells/${key}`]);

  await page.mouse.move(0, 0);
  await expect(detail).toBeHidden();
  const other = cells.nth(1);
  const otherKey = (await other.getAttribute('data-cell')) ?? '';
  await other.focus();
  await expect(detail).toHaveAttribute('data-cell-detail', otherKey);
  await expect(detail.locator('[data-link="data-flowing"]')).toBeVisible();
  expect(requested).toEqual([`/api/matrix/cells/${key}`, `/api/matrix/cells/${otherKey}`]);
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
});
