import type { MatrixCell, MatrixView } from '../lib/matrix/types';
import { E2E_TARGET_DATE } from '../playwright.config';
import { expect, test } from './fixtures';
import { simulatorUrls } from './simulators';

async function github(action: string, body: unknown = {}) {
  const response = await fetch(`${simulatorUrls().github}/__sim/github/${action}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.ok, `simulator ${action}`).toBe(true);
}

/** Cells (gate included) as the board derives them now, after the start-up sync and verification settled. */
async function settledCells(request: import('@playwright/test').APIRequestContext): Promise<MatrixCell[]> {
  await expect
    .poll(async () => (await (await request.get('/api/verify')).json()).running.length, { timeout: 30_000 })
    .toBe(0);
  const view = (await (await request.get('/api/matrix')).json()) as MatrixView;
  return [view.gate, ...view.rows.flatMap((r) => r.cells)].filter((c): c is MatrixCell => c !== null);
}

test('the demo has made no progress for months: the forecast says stalled, with no finish date', async ({
  page,
  request,
}) => {
  const cells = await settledCells(request);
  // The demo's issues closed in June; the first checks today confirm some of them, which is not velocity.
  expect(cells.some((c) => c.state === 'verified')).toBe(true);
  const lastClosed = cells
    .map((c) => c.issue?.closedAt)
    .filter((t): t is string => Boolean(t))
    .sort()
    .at(-1);
  await page.goto('/progress');
  await expect(page).toHaveTitle('Progress · rollout-board');
  const forecast = page.getByTestId('forecast');
  await expect(forecast.getByTestId('forecast-headline')).toContainText(
    `Stalled since ${lastClosed?.slice(0, 10)}: no finish date.`,
  );
  await expect(forecast.getByTestId('forecast-range')).toHaveCount(0);
  await expect(forecast.getByTestId('forecast-rate')).toContainText(
    'Rate used: estimate verified by live data per week',
  );
  await expect(page.getByText(/forecast finish/)).toHaveCount(0);
  // Against a target years away, no finish date is not yet late, but it is a risk.
  await expect(forecast.getByTestId('forecast-headline')).toContainText(`Target ${E2E_TARGET_DATE}: at risk.`);
  await expect(forecast.getByTestId('forecast-outlook')).toHaveAttribute('data-outlook', 'at-risk');
  // The gate stands apart from service work, and "~½ day" says what it counts as.
  await expect(page.getByTestId('gate-progress')).toContainText('~½ day, counted as 4h');
  await expect(page.getByTestId('service-verified')).toContainText('of service work verified');
  await expect(page.getByTestId('totals-note')).toContainText('32.5h of service work');
  // Time open sits next to the plan's estimate; no calendar/effort ratio anywhere.
  await expect(page.getByTestId('cycle-times')).toBeVisible();
  await expect(page.getByText(/×\d/)).toHaveCount(0);
});

test('steady weekly closures of work that verifies give a range of finish dates', async ({ page, request }) => {
  // Work whose every criterion holds: verified cells, and ready-to-close ones once their issue closes.
  const done = (await settledCells(request)).filter(
    (c) => (c.state === 'verified' || c.state === 'ready-to-close') && c.issue,
  );
  expect(done.length).toBeGreaterThan(1);
  const original = done.map((c) => ({ number: c.issue!.number, closedAt: c.issue!.closedAt }));
  try {
    // One of them closed each week over the last weeks (newest 2 days ago), before checking began today.
    const now = Date.now();
    for (const [i, c] of done.slice(0, 8).entries())
      await github('update-issue', {
        number: c.issue!.number,
        state: 'closed',
        stateReason: 'completed',
        closedAt: new Date(now - (2 + 7 * i) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
    expect((await request.post('/api/sync?wait=1')).status()).toBe(200);
    await page.goto('/progress');
    const forecast = page.getByTestId('forecast');
    await expect(forecast).not.toHaveAttribute('data-stalled', 'true');
    await expect(forecast.getByTestId('forecast-headline')).toContainText(/^Likely \d{4}-\d\d-\d\d/);
    const range = forecast.getByTestId('forecast-range');
    const date = async (point: string) =>
      /\d{4}-\d\d-\d\d/.exec((await range.locator(`[data-point="${point}"]`).textContent()) ?? '')?.[0] ?? null;
    const [optimistic, likely, pessimistic] = [
      await date('optimistic'),
      await date('likely'),
      await date('pessimistic'),
    ];
    expect(optimistic).not.toBeNull();
    expect(likely).not.toBeNull();
    expect(optimistic! <= likely!).toBe(true);
    // With fewer finished cells than weeks in the window, some weeks verified nothing: no pessimistic date then.
    if (pessimistic) expect(likely! <= pessimistic).toBe(true);
    else await expect(range.locator('[data-point="pessimistic"]')).toContainText('no date');
    // Years before the target: on track when even the pessimistic date makes it, at risk when there is none.
    const outlook = pessimistic ? 'on track' : 'at risk';
    expect(pessimistic ? pessimistic <= E2E_TARGET_DATE : true).toBe(true);
    await expect(forecast.getByTestId('forecast-headline')).toContainText(`Target ${E2E_TARGET_DATE}: ${outlook}.`);
    await expect(forecast.getByTestId('forecast-rate')).toContainText(/over the last \d+ weeks/);
  } finally {
    for (const o of original)
      await github(
        'update-issue',
        o.closedAt
          ? { number: o.number, closedAt: o.closedAt }
          : { number: o.number, state: 'open', stateReason: null },
      );
    await request.post('/api/sync?wait=1');
  }
});
