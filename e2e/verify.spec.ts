import { expect, test } from './fixtures';
import { controlSimulator } from './simulators';

async function control(name: string, body: unknown) {
  expect((await controlSimulator(name, body)).status).toBe(200);
}

test.afterEach(async () => {
  for (const name of ['pyroscope', 'loki', 'tempo']) await control(name, 'reset');
});

test('Verify now turns a cell’s evidence to pass with the profile types Pyroscope reported', async ({ page }) => {
  await page.goto('/services/acapy-agent');
  const cell = page.locator('[data-verification="acapy-agent/profiling-code"]');
  // The demo verifies every synced cell at start-up, so the click adds one more result to the history.
  const points = async () => Number(await cell.locator('.sparkline').getAttribute('data-points'));
  const before = await points();
  await cell.getByRole('button', { name: 'Verify now: acapy-agent — Pyroscope Profiling (Code)' }).click();
  const check = cell.locator('[data-check="pyroscope"]');
  await expect(check).toHaveAttribute('data-status', 'pass');
  await expect(check).toContainText('process_cpu:cpu');
  await expect(check).toContainText('last sample');
  await expect(cell.getByTestId('last-passed')).toHaveText(/^verified (just now|\d+ min ago)$/);
  await expect(cell.getByTestId('last-passed').locator('time')).toHaveAttribute(
    'title',
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
  );
  // Its issue is closed in the demo's GitHub, so closed + live data = verified.
  await expect(page.locator('[data-cell="acapy-agent/profiling-code"]').getByTestId('cell-state')).toHaveAttribute(
    'data-state',
    'verified',
  );
  await expect.poll(points).toBeGreaterThanOrEqual(Math.min(before + 1, 24));
});

test('a cell whose upstream fails shows the upstream’s error text', async ({ page }) => {
  await control('loki', {
    target: 'bc-wallet-demo',
    fault: { kind: 'status', status: 503, body: 'too many outstanding requests\n' },
  });
  await page.goto('/services/bc-wallet-demo');
  const cell = page.locator('[data-verification="bc-wallet-demo/faro-code"]');
  await cell.getByRole('button', { name: /^Verify now: / }).click();
  const check = cell.locator('[data-check="loki"]');
  await expect(check).toHaveAttribute('data-status', 'error');
  await expect(check).toContainText('Loki answered 503: too many outstanding requests');
});

test('Verify now for a whole service fills every cell, each with its own result', async ({ page }) => {
  await page.goto('/services/traction');
  // The service page reads its results from its own service query, never the whole matrix.
  const matrixRequests: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/matrix')) matrixRequests.push(r.url());
  });
  await page.getByRole('button', { name: 'Verify every cell of traction now' }).click();
  await expect(page.getByTestId('verify-summary-verify:service:traction')).toHaveText(
    // A cell whose criteria are all checked by hand gets no new result: "(1 without a new result)".
    /^[1-4] checked: \d+ pass, \d+ fail, \d+ error/,
    { timeout: 20_000 },
  );
  expect(matrixRequests).toEqual([]);
  // traction-tenant-ui profiles, traction-acapy does not: all of a service's names must have data.
  const profiling = page.locator('[data-verification="traction/profiling-code"] [data-check="pyroscope"]');
  await expect(profiling).toHaveAttribute('data-status', 'fail');
  await expect(profiling).toContainText('"traction-acapy"');
  // Its tenant UI only logs: the criterion asks for browser errors and Web Vitals.
  await expect(page.locator('[data-verification="traction/faro-code"] [data-check="loki"]')).toHaveAttribute(
    'data-status',
    'fail',
  );
  await expect(page.locator('[data-verification="traction/faro-code"] [data-check="tempo"]')).toContainText(
    'none linked to a backend span',
  );
});

test('Verify every cell from the matrix: results appear on the cells, and the gate round trip passes', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Verify every cell now' }).click();
  const gate = page.locator('#gate');
  await expect(gate.locator('.sparkline').locator('path[data-status="pass"]').first()).toBeVisible({
    timeout: 20_000,
  });
  await expect(
    page.locator('td:has([data-cell="acapy-agent/profiling-code"]) .sparkline path[data-status="pass"]').first(),
  ).toBeVisible();
  await expect(
    page
      .locator('td:has([data-cell="didcomm-mediator-credo/profiling-code"]) .sparkline path[data-status="error"]')
      .first(),
  ).toBeVisible();
  await expect(
    page.locator(
      'td:has([data-cell="didcomm-mediator-credo/profiling-code"]) [data-testid="live-status"][data-check="pyroscope"]',
    ),
  ).toHaveText('Pyroscope: error');
  await expect(
    page.locator('td:has([data-cell="bc-wallet-demo/faro-code"]) [data-testid="live-status"][data-check="loki"]'),
  ).toHaveText('Loki ✓');
  const filter = page.getByTestId('state-filter');
  await filter.getByRole('link', { name: /^Closed · unverified/ }).click();
  await expect(page).toHaveURL(/\?state=closed-unverified$/);
  await expect(page.locator('td[data-dimmed="true"]').first()).toBeVisible();
});

test('the verify API starts or joins a job at once and rejects bad scopes clearly', async ({ request }) => {
  await control('pyroscope', { fault: { kind: 'delay', ms: 1500 } });
  const first = await request.post('/api/verify', { data: { kind: 'cell', key: 'credo-ts/profiling-code' } });
  expect(first.status()).toBe(202);
  const started = await first.json();
  expect(started).toEqual({ job: 'verify:cell:credo-ts/profiling-code', joined: false, startedAt: expect.any(String) });
  // When the run began: the Verify button counts only results from then on as this run's.
  expect(Math.abs(Date.parse(started.startedAt) - Date.now())).toBeLessThan(10_000);
  const second = await request.post('/api/verify', { data: { kind: 'cell', key: 'credo-ts/profiling-code' } });
  // A click that joins the run learns the same start.
  expect(await second.json()).toEqual({ ...started, joined: true });
  expect((await (await request.get('/api/verify')).json()).running).toContain('verify:cell:credo-ts/profiling-code');

  const unknown = await request.post('/api/verify', { data: { kind: 'service', slug: 'no-such-service' } });
  expect([unknown.status(), (await unknown.json()).error]).toEqual([404, 'Unknown service "no-such-service".']);
  const bad = await request.post('/api/verify', { data: { kind: 'cell', key: '../etc' } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toContain('expected a cell key like "acapy-agent/profiling-code"');
});
