import { expect, test } from './fixtures';

// Runs against the second board of playwright.config.ts: a synthetic 200-service × 6 plan with
// 5,000 synced issues and check results (e2e/fleet-server.ts).

test('a 200-service matrix renders in collapsible groups, needs attention first', async ({ page }) => {
  await page.goto('/');
  const matrix = page.getByTestId('matrix');
  await expect(matrix).toContainText('200 services in');
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

test('a group shows its first 20 services and the rest on request', async ({ page }) => {
  await page.goto('/');
  const attention = page.locator('details.matrix-group[data-group="attention"]');
  const total = Number(((await attention.locator('summary').textContent()) ?? '').match(/\((\d+) services\)/)?.[1]);
  // The seeded fleet has more services needing attention than a group shows at first.
  expect(total).toBeGreaterThan(20);
  const rows = attention.locator('tbody tr[data-service]');
  await expect(rows).toHaveCount(20);
  const paging = attention.getByTestId('group-paging');
  await expect(paging).toContainText(`The first 20 of ${total} services shown.`);
  const firstTwenty = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-service')));

  await paging.getByRole('link', { name: `Show all ${total} needs attention services` }).click();
  // The server renders all of the group's cells for this page: on a busy machine that takes seconds.
  await expect(rows).toHaveCount(total, { timeout: 30_000 });
  await expect(page).toHaveURL(/[?&]expand=attention(#group-attention)?$/);
  // The first twenty stay first: the rest follow, most urgent first.
  expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-service')))).slice(0, 20)).toEqual(
    firstTwenty,
  );
  await expect(paging).toContainText(`All ${total} services shown.`);

  await paging.getByRole('link', { name: 'Show the first 20 only' }).click();
  await expect(rows).toHaveCount(20, { timeout: 30_000 });
  await expect(page).not.toHaveURL(/expand=/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the link to the rest of a group is a plain link to a server-rendered page', async ({ page }) => {
    await page.goto('/');
    const attention = page.locator('details.matrix-group[data-group="attention"]');
    await expect(attention.locator('tbody tr[data-service]')).toHaveCount(20);
    await attention.getByTestId('group-paging').getByRole('link').click();
    await expect(page).toHaveURL(/[?&]expand=attention/, { timeout: 30_000 });
    await expect(attention.locator('tbody tr[data-service]')).not.toHaveCount(20);
    await expect(attention.getByTestId('group-paging')).toContainText('services shown.');
  });
});

test('a filter keeps an expanded group expanded, and its paging counts what matches', async ({ page }) => {
  await page.goto('/?capability=profiling-code&expand=attention');
  const attention = page.locator('details.matrix-group[data-group="attention"]');
  await expect(attention).toHaveAttribute('open', '');
  const count = Number(((await attention.locator('summary').textContent()) ?? '').match(/\((\d+) services\)/)?.[1]);
  expect(count).toBeGreaterThan(20);
  await expect(attention.locator('tbody tr[data-service]')).toHaveCount(count);
  const back = attention.getByTestId('group-paging').getByRole('link', { name: 'Show the first 20 only' });
  await expect(back).toHaveAttribute('href', '/?capability=profiling-code#group-attention');
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

test('on a laptop-wide window every cell keeps its text inside its own column', async ({ page }) => {
  // The groups' tables have fixed columns so they line up; six of them at 1,100 px are narrower than a
  // cell's one line, which then wraps instead of running over the next cell.
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto('/');
  const spills = await page.locator('details.matrix-group[open] td a.cell').evaluateAll((cells) =>
    cells.slice(0, 60).flatMap((cell) => {
      const column = (cell.closest('td') as HTMLElement).getBoundingClientRect();
      const inside = [cell, ...cell.children].every((part) => part.getBoundingClientRect().right <= column.right + 1);
      return inside ? [] : [cell.getAttribute('data-cell')];
    }),
  );
  expect(spills).toEqual([]);
});
