import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';
import { controlSimulator } from './simulators';

type Cell = { key: string; state: string } | null;
type Matrix = { rows: Array<{ cells: Cell[] }>; gate: Cell };

const cellsOf = (matrix: Matrix) =>
  [matrix.gate, ...matrix.rows.flatMap((r) => r.cells)].filter((c): c is NonNullable<Cell> => c !== null);

/**
 * Waits until the start-up sync and the verification it triggers have settled, so pages and API agree.
 * Scheduled verification is 30 min away in e2e and nothing has been clicked, so a verified cell here
 * proves that a sync which changes cells verifies them.
 */
async function settledMatrix(request: APIRequestContext): Promise<Matrix> {
  await expect
    .poll(
      async () => {
        const { running } = await (await request.get('/api/verify')).json();
        const sync = await (await request.get('/api/sync')).json();
        return (
          running.length === 0 &&
          !sync.running &&
          cellsOf(await (await request.get('/api/matrix')).json()).some((c) => c.state === 'verified')
        );
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return (await request.get('/api/matrix')).json();
}

test('filtering by closed-but-unverified shows exactly the cells the simulators make so', async ({ page, request }) => {
  const matrix = await settledMatrix(request);
  const expected = cellsOf(matrix)
    .filter((c) => c.state === 'closed-unverified')
    .map((c) => c.key)
    .sort();
  expect(expected.length).toBeGreaterThan(0);
  await page.goto('/');
  // With JavaScript the filter applies on change, without an Apply click (once the page is live).
  await expect(page.getByTestId('matrix-filter')).toHaveAttribute('data-live', 'true');
  await page.getByTestId('matrix-filter').getByLabel('State').selectOption('closed-unverified');
  await expect(page).toHaveURL(/\?(.*&)?state=closed-unverified/);
  const shown = await page
    .locator('[data-testid="matrix"] td:not([data-dimmed]) a[data-cell]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('data-cell')));
  const gateShown = expected.includes('gate/infrastructure') ? ['gate/infrastructure'] : [];
  expect([...shown, ...gateShown].sort()).toEqual(expected);
  for (const key of shown)
    await expect(page.locator(`a[data-cell="${key}"]`)).toHaveAttribute('data-state', 'closed-unverified');
});

test('a verified cell whose data stops turns regressed, and stands out in its filter', async ({ page, request }) => {
  await settledMatrix(request);
  const control = (body: unknown) => controlSimulator('pyroscope', body ?? 'reset');
  await page.goto('/');
  const link = page.locator('a[data-cell="acapy-agent/profiling-code"]');
  await expect(link).toHaveAttribute('data-state', 'verified');
  expect((await control({ data: { 'acapy-agent': false } })).status).toBe(200);
  try {
    await page.getByRole('button', { name: 'Verify acapy-agent — Pyroscope Profiling (Code) now' }).click();
    await expect(link).toHaveAttribute('data-state', 'regressed', { timeout: 15_000 });
    await page
      .getByTestId('state-filter')
      .getByRole('link', { name: /^Regressed/ })
      .click();
    await expect(page.locator('td:not([data-dimmed]) a[data-cell="acapy-agent/profiling-code"]')).toBeVisible();
  } finally {
    await control(null);
  }
});

test('the matrix served again is the store as it is now, under a nonce of its own', async ({ page, request }) => {
  await settledMatrix(request);
  const nonceOf = (response: Awaited<ReturnType<typeof page.goto>>) =>
    /'nonce-([^']+)'/.exec(response?.headers()['content-security-policy'] ?? '')?.[1] ?? '';
  const control = (body: unknown) => controlSimulator('pyroscope', body ?? 'reset');
  const key = 'acapy-agent/profiling-code';
  const stateOf = async () =>
    cellsOf((await (await request.get('/api/matrix')).json()) as Matrix).find((c) => c.key === key)?.state;
  const verifyCell = async () =>
    expect((await request.post('/api/verify', { data: { kind: 'cell', key } })).ok()).toBe(true);
  // Verified to begin with (an earlier test leaves its data back but the cell regressed).
  await verifyCell();
  await expect.poll(stateOf, { timeout: 15_000 }).toBe('verified');
  // The store moved (the verification), so this page is rendered: gzipped for the browser all the same.
  const first = await page.goto('/');
  expect(first?.headers()['x-page-cache']).toBe('miss');
  expect(first?.headers()['content-encoding']).toBe('gzip');
  const link = page.locator(`a[data-cell="${key}"]`);
  await expect(link).toHaveAttribute('data-state', 'verified');
  // Nothing changed: the page rendered a moment ago comes again (lib/server/page-cache.ts), with this
  // answer's nonce on every script and none of the last one's, so its scripts run: the cell's detail loads.
  const again = await page.reload();
  expect(nonceOf(again)).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
  expect(nonceOf(again)).not.toBe(nonceOf(first));
  // Gzipped as the browser asked, spliced from the kept page's parts around this answer's nonce (the kept
  // page was unpacked from the gzipped render).
  expect(again?.headers()['x-page-cache']).toBe('hit');
  expect(again?.headers()['content-encoding']).toBe('gzip');
  const html = (await again?.text()) ?? '';
  expect(html).not.toContain(nonceOf(first));
  expect(html).toContain(`nonce="${nonceOf(again)}"`);
  await link.hover();
  await expect(page.getByTestId('cell-detail')).toBeVisible();
  // A change made elsewhere (the API, not this page) shows on the very next load, not PAGE_CACHE_TTL later.
  expect((await control({ data: { 'acapy-agent': false } })).status).toBe(200);
  try {
    await verifyCell();
    await expect.poll(stateOf, { timeout: 15_000 }).toBe('regressed');
    await page.reload();
    await expect(link).toHaveAttribute('data-state', 'regressed', { timeout: 1_000 });
  } finally {
    await control(null);
    await verifyCell();
    await expect.poll(stateOf, { timeout: 15_000 }).toBe('verified');
  }
});

test('the burn-up renders with data from the synced issues and the verifications', async ({ page, request }) => {
  await settledMatrix(request);
  await page.goto('/progress');
  const chart = page.getByTestId('burn-up');
  await expect(chart.locator('path[data-series="closed"]')).toHaveAttribute('d', /L/);
  const rows = chart.locator('tbody tr');
  expect(await rows.count()).toBeGreaterThan(1);
  const last = rows.last().locator('td');
  await expect(last.nth(2)).not.toHaveText('0h');
  await expect(last.nth(3)).not.toHaveText('0h');
});

test('the CSV download matches /api/matrix', async ({ page, request }) => {
  const matrix = await settledMatrix(request);
  await page.goto('/');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('matrix-filter').getByRole('link', { name: 'CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8')
    .trimEnd()
    .split('\r\n');
  const header = csv[0].split(',');
  const byCell = new Map(
    csv
      .slice(1)
      .map((line) => line.split(','))
      .map((f) => [f[header.indexOf('cell')], f[header.indexOf('state')]]),
  );
  const now = (await (await request.get('/api/matrix')).json()) as Matrix;
  expect(Object.fromEntries(byCell)).toEqual(Object.fromEntries(cellsOf(now).map((c) => [c.key, c.state])));
  expect(cellsOf(matrix).length).toBe(byCell.size);
});

test("README's picture shows the demo banner, the filter and the top of the matrix", async ({ page }) => {
  const viewport = { width: 1440, height: 1600 };
  await page.setViewportSize(viewport);
  await page.goto('/');
  // What the README says the picture shows must be inside the frame: the banner, the filter, and the
  // matrix from its header through its first service rows (the rest continues below the fold).
  const matrix = page.getByTestId('matrix');
  for (const part of [
    page.getByTestId('demo-banner'),
    page.getByTestId('matrix-filter'),
    matrix.locator('thead'),
    matrix.locator('tbody tr').nth(1),
  ]) {
    const box = await part.boundingBox();
    expect(box, 'visible on the page').not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  }
  // README's picture is refreshed on request (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean.
  const target = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/demo-board.png' : 'test-results/demo-board.png';
  const png = await page.screenshot({ path: path.resolve(process.cwd(), target), fullPage: false });
  // PNG header: width and height (IHDR) are the viewport's.
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([viewport.width, viewport.height]);
});
