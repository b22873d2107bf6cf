import { expect, test } from './fixtures';

test('the progress page shows closed and verified side by side, the estimates and a burn-up', async ({ page }) => {
  await page.goto('/progress');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Progress against estimates');
  await expect(page.getByTestId('estimates')).toContainText('~27h');
  await expect(page.getByTestId('estimates')).toContainText('36.5h');
  await expect(page.getByTestId('estimates')).toContainText('+9.5h vs headline');
  await expect(page.getByTestId('by-service').locator('tbody tr')).toHaveCount(8);
  await expect(page.getByTestId('by-capability').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('burn-up').locator('path[data-series="scope"]')).toHaveCount(1);
});

test('the CSV export has one row per cell and matches the JSON API', async ({ request }) => {
  const csv = await request.get('/api/matrix.csv');
  expect(csv.headers()['content-type']).toContain('text/csv');
  const lines = (await csv.text()).trimEnd().split('\r\n');
  const json = (await (await request.get('/api/matrix.json')).json()) as Array<{ cell: string; state: string }>;
  expect(lines).toHaveLength(json.length + 1);
  expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(json.map((r) => r.cell));
  const matrix = await (await request.get('/api/matrix')).json();
  expect(json).toHaveLength(matrix.rows.flatMap((r: { cells: unknown[] }) => r.cells.filter(Boolean)).length + 1);
  const bad = await request.get('/api/matrix.csv?state=done');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toContain('closed-unverified');
});
