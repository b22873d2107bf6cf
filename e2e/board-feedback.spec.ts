import type { MatrixCell, MatrixView } from '../lib/matrix/types';
import { expect, test } from './fixtures';
import { formatMinutes } from '../lib/plan/estimate';
import { controlSimulator } from './simulators';

async function pyroscope(body: unknown) {
  expect((await controlSimulator('pyroscope', body)).status).toBe(200);
}

async function settledView(request: import('@playwright/test').APIRequestContext): Promise<MatrixView> {
  await expect
    .poll(async () => (await (await request.get('/api/verify')).json()).running.length, { timeout: 30_000 })
    .toBe(0);
  return (await request.get('/api/matrix')).json();
}

const serviceCells = (view: MatrixView) => view.rows.flatMap((r) => r.cells).filter((c): c is MatrixCell => c !== null);

test.afterEach(async () => {
  await pyroscope('reset');
});

test('an open issue whose every check passes is "Ready to close", counted in Needs attention and filterable', async ({
  page,
  request,
}) => {
  const view = await settledView(request);
  const ready = serviceCells(view).filter((c) => c.state === 'ready-to-close');
  // The demo's acapy-agent Helm issue is open, yet merged, deployed and profiled.
  expect(ready.map((c) => c.key)).toContain('acapy-agent/profiling-helm');
  expect(ready.every((c) => c.issue?.state === 'open')).toBe(true);
  await page.goto('/');
  const cell = page.locator('a[data-cell="acapy-agent/profiling-helm"]');
  await expect(cell).toHaveAttribute('data-state', 'ready-to-close');
  await expect(cell).toContainText('Ready to close');
  await expect(page.getByTestId('state-filter').getByRole('status')).toContainText(
    `Needs attention: ${ready.length} ready to close`,
  );
  await page
    .getByTestId('state-filter')
    .getByRole('link', { name: /^Ready to close/ })
    .click();
  await expect(page).toHaveURL(/\?state=ready-to-close$/);
  const shown = await page
    .locator('[data-testid="matrix"] td:not([data-dimmed]) a[data-cell]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('data-cell')));
  expect(shown.sort()).toEqual(ready.map((c) => c.key).sort());
});

test('Verify now on a cell: it says checking while the run lasts, then shows its new result and "checked just now"', async ({
  page,
}) => {
  await page.goto('/');
  const td = page.locator('td:has(a[data-cell="acapy-agent/profiling-code"])');
  await expect(td.getByTestId('checked-at')).toBeVisible();
  // Slow Pyroscope down so the run can be watched.
  await pyroscope({ fault: { kind: 'delay', ms: 2000 } });
  // Every request for the matrix from the click on: the view asked for, whether it only asked if the
  // revision moved (If-None-Match), and each answer's status.
  const asked: Array<{ view: string | null; conditional: boolean }> = [];
  const answered: Array<{ status: number }> = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/matrix')
      asked.push({ view: url.searchParams.get('view'), conditional: 'if-none-match' in r.headers() });
  });
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === '/api/matrix') answered.push({ status: r.status() });
  });
  await td.getByRole('button', { name: 'Verify acapy-agent — Pyroscope Profiling (Code) now' }).click();
  await expect(td.getByTestId('cell-checking')).toHaveText('checking…');
  await expect(td.getByTestId('cell-checking')).toHaveCount(0, { timeout: 15_000 });
  await expect(td.getByTestId('checked-at')).toHaveText('checked just now');
  await expect(td.locator('[data-testid="live-status"][data-check="pyroscope"]')).toHaveText('Pyroscope ✓');
  await expect(td.getByRole('status')).toHaveText(/^1 checked: 1 pass, 0 fail, 0 error$/);
  // One click reads the matrix at most once: never the full view, at most one unconditional read of the
  // compact one; every other request only asks whether the revision moved (304 when it did not).
  expect(asked.filter((a) => a.view !== 'compact')).toEqual([]);
  expect(asked.filter((a) => !a.conditional).length).toBeLessThanOrEqual(1);
  expect(answered.every((a) => a.status === 200 || a.status === 304)).toBe(true);
});

test('a cell whose result changes is highlighted, and Verify all ends with a summary', async ({ page, request }) => {
  const before = serviceCells(await settledView(request));
  await page.goto('/');
  const changed = page.locator('a[data-cell="acapy-agent/profiling-code"]');
  await expect(changed).toHaveAttribute('data-state', 'verified');
  await pyroscope({ data: { 'acapy-agent': false } });
  try {
    const button = page.getByRole('button', { name: 'Verify every cell now' });
    await button.click();
    // acapy-agent's code cell loses its data: it changes (verified → regressed) and flashes.
    await expect(changed).toHaveAttribute('data-changed', 'true', { timeout: 15_000 });
    await expect(changed).toHaveAttribute('data-state', 'regressed');
    const summary = page.getByTestId('verify-summary-verify:all');
    await expect(summary).toHaveText(/^\d+ checked: \d+ pass, \d+ fail, \d+ error/, { timeout: 30_000 });
    const counts = /^(\d+) checked: (\d+) pass, (\d+) fail, (\d+) error/.exec((await summary.textContent()) ?? '');
    const [checked, pass, fail, error] = (counts ?? []).slice(1).map(Number);
    expect(pass + fail + error).toBeLessThanOrEqual(checked);
    expect(checked).toBeGreaterThan(before.length / 2);
    expect(fail + error).toBeGreaterThan(0);
    await expect(button).toHaveText('Verify every cell now');
  } finally {
    // Leave the demo as other tests expect it: data back, the cell verified again.
    await pyroscope('reset');
    await request.post('/api/verify', { data: { kind: 'service', slug: 'acapy-agent' } });
    await expect
      .poll(async () => {
        const view = (await (await request.get('/api/matrix')).json()) as MatrixView;
        return serviceCells(view)
          .filter((c) => c.serviceSlug === 'acapy-agent' && c.capabilitySlug.startsWith('profiling'))
          .map((c) => c.state);
      })
      .toEqual(['verified', 'ready-to-close']);
  }
});

test('a state chip then another filter keeps both, applies without a click, and the URL carries only set fields', async ({
  page,
}) => {
  await page.goto('/');
  await page
    .getByTestId('state-filter')
    .getByRole('link', { name: /^Closed · unverified/ })
    .click();
  await expect(page).toHaveURL(/\/\?state=closed-unverified$/);
  const form = page.getByTestId('matrix-filter');
  // The form follows the URL: the chip's state shows in the State field.
  await expect(form.getByLabel('State')).toHaveValue('closed-unverified');
  await expect(form.getByRole('button', { name: 'Apply' })).toBeHidden();
  await form.getByLabel('Service').selectOption('traction');
  await expect(page).toHaveURL(/\/\?service=traction&state=closed-unverified$/);
  await expect(form.getByLabel('State')).toHaveValue('closed-unverified');
  await expect(page.locator('[data-testid="matrix"] tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('figures-scope')).toContainText('cover the whole plan');
  await form.getByLabel('State').selectOption('');
  await expect(page).toHaveURL(/\/\?service=traction$/);
});

test('the KPI cards and totals say whether they follow the filter, and what the filter shows', async ({
  page,
  request,
}) => {
  const view = await settledView(request);
  const traction = serviceCells(view).filter((c) => c.serviceSlug === 'traction');
  const hours = traction.reduce((sum, c) => sum + c.estimateMinutes, 0);
  await page.goto('/');
  // Unfiltered: the cards cover the whole plan with the gate, the table only service work.
  await expect(page.getByTestId('figures-scope')).toHaveText(
    'Whole plan, the gate included; the table below is service work only.',
  );
  await expect(page.getByTestId('totals-label')).toHaveText('Total');
  await expect(page.getByTestId('filter-figures')).toHaveCount(0);
  const verified = await page.getByTestId('progress-verified').textContent();
  const grandTotal = await page.getByTestId('grand-total').textContent();

  await page.goto('/?service=traction');
  await expect(page.getByTestId('figures-scope')).toHaveText(
    'These figures, the state counts and the table’s Total row are not filtered: they cover the whole plan, the gate included. The filter only hides rows and dims cells.',
  );
  await expect(page.getByTestId('totals-label')).toHaveText('Total, whole plan (not filtered)');
  // The figures that do not follow the filter are unchanged by it...
  await expect(page.getByTestId('progress-verified')).toHaveText(verified!);
  await expect(page.getByTestId('grand-total')).toHaveText(grandTotal!);
  // ...and what the filter shows has its own figure.
  await expect(page.getByTestId('filter-figures')).toHaveText(
    `${traction.length}cells match the filter: ${formatMinutes(hours)} of estimates, ${
      traction.filter((c) => c.state === 'verified').length
    } verified`,
  );
});

test('every page names itself once, the matrix explains its dots, chips and bars, the service page its Verify button', async ({
  page,
}) => {
  const titles: Array<[string, string]> = [
    ['/', 'Matrix · rollout-board'],
    ['/?state=verified', 'Matrix · rollout-board'],
    ['/progress', 'Progress · rollout-board'],
    ['/services/traction', 'traction · rollout-board'],
    ['/reference/faro', 'Faro reference · rollout-board'],
    ['/audit', 'Audit trail · rollout-board'],
    ['/settings/notifications', 'Notifications · rollout-board'],
    ['/signin', 'Sign in · rollout-board'],
  ];
  for (const [route, title] of titles) {
    await page.goto(route);
    await expect(page, route).toHaveTitle(title);
  }
  await page.goto('/');
  const legend = page.getByTestId('matrix-legend');
  await expect(legend).toContainText('Evidence dots, left to right: issue closed, merged, deployed, data flowing.');
  await expect(legend).toContainText("Each signal's newest result, named for what it is");
  await expect(legend).toContainText('History: one bar per check result, oldest left.');
  await page.goto('/services/traction');
  const explained = page.getByTestId('check-buttons-explained');
  await expect(explained).toContainText('Verify every cell of traction now proves every acceptance criterion');
  // One pipeline: the repository and cluster are proven in the same run, no second button.
  await expect(explained).toContainText('the repository and cluster (is the change merged, is it deployed)');
  await expect(page.getByRole('button', { name: 'Check evidence now' })).toHaveCount(0);
});

test('the copy defects #13 found stay gone on every page a PM reads', async ({ page }) => {
  // "Gap 0min", "27 of 27 synced issues state one", "traceparent to it..", "Issue closed failed" for an open
  // issue, "(0 unchanged · 304)".
  const defects = [
    /\b0min\b/,
    /synced issues state one\b/,
    /[a-z]\.\.(\s|$)/,
    /issue closed:? failed/i,
    /unchanged · 304/,
  ];
  for (const route of ['/', '/progress', '/services/traction', '/services/acapy-agent', '/services/bc-wallet-demo']) {
    await page.goto(route);
    await expect(page.locator('main')).toBeVisible();
    const text = (await page.locator('main').textContent()) ?? '';
    for (const defect of defects) expect(text, `${route}: ${defect}`).not.toMatch(defect);
  }
});

test('a link to another page says at once that the page is loading, until it shows', async ({ page }) => {
  // Hold the next page's data (and any prefetch of it) until the test lets it through.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(/\/progress\?_rsc=/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Progress', exact: true }).click();
  await expect(page.getByTestId('navigation-pending')).toHaveText('Loading progress…');
  release();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Progress against estimates');
  await expect(page.getByTestId('navigation-pending')).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('no dead buttons: Verify, Sync and Sign off are not rendered; an Apply keeps only set fields', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page.getByRole('button', { name: /Verify|Sync now/ })).toHaveCount(0);
    await page.getByTestId('matrix-filter').getByLabel('State').selectOption('closed-unverified');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/\/\?state=closed-unverified$/);
    await page.goto('/services/acapy-agent');
    await expect(page.getByRole('button', { name: /Verify|Sync now/ })).toHaveCount(0);
    await expect(page).toHaveTitle('acapy-agent · rollout-board');
    // credo-ts's Helm criteria are signed off by a person: without JavaScript there is no dead Sign off.
    await page.goto('/services/credo-ts');
    await expect(page.getByTestId('criterion').filter({ hasText: 'faro.enabled: false by default' })).toBeVisible();
    await expect(page.getByRole('button', { name: /Sign off/ })).toHaveCount(0);
  });
});

test.describe('on a phone (390 px)', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  for (const path of ['/', '/progress', '/services/traction', '/reference/faro']) {
    test(`${path} fits the width: no horizontal page scroll`, async ({ page }) => {
      await page.goto(path);
      await expect(page.locator('main')).toBeVisible();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
    });
  }
  test('the matrix is a per-service list: each cell under its service, labelled with its capability', async ({
    page,
  }) => {
    await page.goto('/');
    const row = page.locator('tr[data-service="traction"]');
    const header = await row.locator('th').boundingBox();
    const first = await row.locator('td').first().boundingBox();
    const second = await row.locator('td').nth(1).boundingBox();
    // Stacked, not side by side.
    expect(first!.y).toBeGreaterThan(header!.y);
    expect(second!.y).toBeGreaterThan(first!.y);
    expect(first!.width).toBeGreaterThan(300);
    await expect(page.locator('thead')).toBeHidden();
  });
});
