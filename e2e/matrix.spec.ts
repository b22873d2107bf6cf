import { formatMinutes } from '../lib/plan/estimate';
import { expect, test } from './fixtures';
import { loadPlanForE2E } from './plan';

const plan = loadPlanForE2E();

test('the matrix shows every service and cell of the plan with its estimate', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(plan.title);
  const rows = page.locator('[data-testid="matrix"] tbody tr');
  await expect(rows).toHaveCount(8);

  for (const service of plan.services) {
    const row = page.locator(`tr[data-service="${service.slug}"]`);
    await expect(row.getByRole('rowheader')).toContainText(service.name);
    for (const capability of plan.capabilities) {
      const planCell = plan.cells.find((c) => c.serviceSlug === service.slug && c.capabilitySlug === capability.slug);
      const cell = row.locator(`[data-cell="${service.slug}/${capability.slug}"]`);
      if (planCell) {
        // The demo syncs the simulated GitHub on start, so cells have their issues' states.
        await expect(cell).toHaveAttribute(
          'data-state',
          /^(planned|in-progress|ready-to-close|closed-unverified|verified|regressed)$/,
        );
        await expect(cell).toContainText(planCell.estimateText);
      } else {
        await expect(cell).toHaveText('n/a');
      }
    }
    const rowMinutes = plan.cells
      .filter((c) => c.serviceSlug === service.slug)
      .reduce((s, c) => s + c.estimateMinutes, 0);
    await expect(row.getByTestId('row-total')).toHaveText(formatMinutes(rowMinutes));
  }

  await expect(page.locator('td.na')).toHaveCount(6);
  const serviceMinutes = plan.cells.filter((c) => c.serviceSlug).reduce((s, c) => s + c.estimateMinutes, 0);
  await expect(page.getByTestId('grand-total')).toHaveText(formatMinutes(serviceMinutes));
  await expect(page.getByTestId('estimate-totals')).toContainText('36.5h');
  await expect(page.getByTestId('estimate-difference')).toHaveText('+9.5h');
  await expect(page.locator('#gate [data-cell="gate/infrastructure"]')).toContainText('~½ day');
});

test('a service page lists its cells with their acceptance criteria', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'bc-wallet-demo', exact: true }).click();
  await expect(page).toHaveURL(/\/services\/bc-wallet-demo$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('bc-wallet-demo');
  const faroCode = page.locator('[data-cell="bc-wallet-demo/faro-code"]');
  await expect(faroCode).toContainText('Browser XHR/Fetch traces appear in Tempo linked to backend spans');
  await expect(faroCode).toContainText('~4h');
  await expect(page.getByTestId('service-estimate')).toHaveText('6.75h');
});

test('nothing moves when the page comes alive: a click aimed right after load lands where it was aimed', async ({
  page,
}) => {
  // The buttons that need JavaScript appear when React runs. Anything that moved then would take a
  // click meant for the filter's CSV link, or for a cell, to whatever slid under the pointer.
  await page.addInitScript(() => {
    const w = window as unknown as { layoutShifts: number[] };
    w.layoutShifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) {
        if (!entry.hadRecentInput) w.layoutShifts.push(entry.value);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.setViewportSize({ width: 1280, height: 2400 });
  for (const path of ['/', '/services/acapy-agent']) {
    await page.goto(path);
    // Hydrated: the Verify buttons are there and the sync panel's Sync now too.
    await expect(page.locator('[data-testid^="verify-verify:"]').first()).toBeVisible();
    if (path === '/') await expect(page.getByRole('button', { name: /Sync now|Syncing/ })).toBeVisible();
    // Two frames on, what hydration's effects changed (times switching to "2 min ago") is laid out and
    // reported; the window stays short so a sync or a run ending meanwhile cannot move a cell.
    const shifts = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => resolve((window as unknown as { layoutShifts: number[] }).layoutShifts)),
          ),
        ),
    );
    // A sub-pixel settling (one CI run saw a shift below 0.00005) moves nothing a pointer can miss; the
    // buttons appearing moved the page by 0.0873 and the shorter times by 0.0339.
    const total = shifts.reduce((sum, value) => sum + value, 0);
    expect(total, `${path}: layout shifts ${shifts.join(', ')}`).toBeLessThan(0.001);
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('the matrix and a service page are readable', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('[data-testid="matrix"] tbody tr')).toHaveCount(8);
    await page.goto('/services/acapy-agent');
    await expect(page.getByTestId('criteria').first()).toContainText('CPU flame graphs visible and navigable');
    await expect(page.getByText('Not applicable (no browser frontend)')).toBeVisible();
  });

  test('a table still arriving has the columns of the whole one: later rows move nothing already shown', async ({
    page,
    request,
  }) => {
    // The HTML streams in and the browser paints what it has: here, everything up to the end of
    // the first service's row. A clean CI run saw the columns jump (0.0036) as the other rows came in.
    const html = await (await request.get('/')).text();
    const firstRowEnd = html.indexOf('</tr>', html.indexOf('<tr data-service=')) + '</tr>'.length;
    expect(firstRowEnd).toBeGreaterThan('</tr>'.length);
    await page.setViewportSize({ width: 1280, height: 1200 });
    const columns = () =>
      page.locator('[data-testid="matrix"] thead th').evaluateAll((cells) =>
        cells.map((cell) => {
          const box = cell.getBoundingClientRect();
          return [Math.round(box.left), Math.round(box.width), Math.round(box.height)];
        }),
      );
    await page.route('**/', (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: html.slice(0, firstRowEnd) }),
    );
    await page.goto('/');
    await expect(page.locator('[data-testid="matrix"] tbody tr')).toHaveCount(1);
    const partial = await columns();
    await page.unroute('**/');
    await page.goto('/');
    await expect(page.locator('[data-testid="matrix"] tbody tr')).toHaveCount(8);
    expect(partial).toHaveLength(6);
    expect(partial).toEqual(await columns());
  });

  test('the filter works as a plain form: the URL holds it and non-matching cells are dimmed', async ({ page }) => {
    await page.goto('/');
    await page.getByTestId('matrix-filter').getByLabel('Service').selectOption('traction');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/\?service=traction/);
    await expect(page.locator('[data-testid="matrix"] tbody tr')).toHaveCount(1);
    await expect(page.locator('tr[data-service="traction"] td:not([data-dimmed]) a[data-cell]')).toHaveCount(4);
  });
});

test('keyboard: the skip link comes first and lands on the content; a focused cell opens with Enter', async ({
  page,
}) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  const cell = page.locator('a[data-cell="traction/faro-code"]');
  await cell.focus();
  await expect(cell).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/services\/traction#faro-code$/);
});

test('the JSON API answers for scripts, with a clear 404 for an unknown service', async ({ request }) => {
  const matrix = await request.get('/api/matrix');
  expect(matrix.status()).toBe(200);
  expect((await matrix.json()).rows).toHaveLength(8);
  const unknown = await request.get('/api/services/no-such-service');
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error).toContain('Unknown service "no-such-service"');
  const health = await request.get('/api/health');
  expect(await health.json()).toMatchObject({ status: 'ok', store: { reachable: true, provider: 'sqlite' } });
});

test('static assets come from public/: the favicon the page names, and a robots.txt that keeps crawlers out', async ({
  page,
  request,
}) => {
  await page.goto('/');
  const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
  expect(icon).toMatch(/^\/favicon\.svg/);
  const favicon = await request.get(icon!);
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['content-type']).toContain('image/svg+xml');
  // Where no page names an icon (an error page, a bare browser tab) browsers ask for /favicon.ico: no 404.
  const fallback = await request.get('/favicon.ico');
  expect(fallback.status()).toBe(200);
  expect((await fallback.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', /noindex/);

  const robots = await request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toMatch(/^User-agent: \*\nDisallow: \/$/m);
});
