import { signWebhookBody } from '../lib/github/webhook';
import type { MatrixCell, MatrixView } from '../lib/matrix/types';
import { DEFAULT_REPO } from '../simulators/github';
import { expect, test } from './fixtures';
import { simulatorUrls } from './simulators';

const WEBHOOK_SECRET = process.env.E2E_WEBHOOK_SECRET ?? 'e2e-webhook-secret';

async function control(action: string, body: unknown = {}) {
  const response = await fetch(`${simulatorUrls().github}/__sim/github/${action}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.ok, `simulator ${action}`).toBe(true);
}

/** A service cell whose issue is open and untouched ("planned"), found through the board's own API. */
async function plannedCell(request: import('@playwright/test').APIRequestContext): Promise<MatrixCell> {
  const view = (await (await request.get('/api/matrix')).json()) as MatrixView;
  const cell = view.rows
    .flatMap((r) => r.cells)
    .find((c): c is MatrixCell => c !== null && c.state === 'planned' && c.issue !== null);
  expect(cell, 'a planned cell with an issue').toBeTruthy();
  return cell!;
}

test.beforeEach(async ({ request }) => {
  await control('clear-faults');
  await control('latency', { ms: 0 });
  expect((await request.post('/api/sync?wait=1')).status()).toBe(200);
});

test('clicking "Sync now" brings a change from GitHub onto the matrix, showing progress meanwhile', async ({
  page,
  request,
}) => {
  const cell = await plannedCell(request);
  await page.goto('/');
  const panel = page.getByTestId('sync-panel');
  await expect(panel.getByTestId('sync-last-run')).toHaveAttribute('data-status', 'succeeded');
  await expect(panel.getByTestId('sync-quota')).toContainText('GitHub quota');
  const onMatrix = page.locator(`[data-cell="${cell.key}"]`).first();
  await expect(onMatrix).toHaveAttribute('data-state', 'planned');
  await expect(page.locator(`td:has([data-cell="${cell.key}"]) [data-testid="cell-issue"]`)).toContainText(
    `#${cell.issue!.number}`,
  );

  await control('update-issue', { number: cell.issue!.number, state: 'closed', stateReason: 'completed' });
  // Slow GitHub down so the run lasts long enough to watch (the panel polls every second while it runs).
  await control('latency', { ms: 1000 });
  const button = panel.getByRole('button', { name: /Sync now|Syncing/ });
  await button.click();
  await expect(button).toBeDisabled();
  await expect(panel.getByTestId('sync-progress')).toContainText(DEFAULT_REPO);
  await expect(onMatrix).toHaveAttribute('data-state', 'closed-unverified', { timeout: 15_000 });
  await expect(button).toBeEnabled();
  await expect(button).toHaveText('Sync now');

  // Put it back (GitHub's clock moves on: reopening is a newer change).
  await control('latency', { ms: 0 });
  await control('update-issue', { number: cell.issue!.number, state: 'open', stateReason: 'reopened' });
  await request.post('/api/sync?wait=1');
});

test('a failing repository is named with its reason, and the matrix keeps its earlier data', async ({
  page,
  request,
}) => {
  const cell = await plannedCell(request);
  await page.goto('/');
  await control('update-issue', { number: cell.issue!.number, assignees: ['someone-new'] });
  await control('fault', { status: 401 });
  await page.getByRole('button', { name: 'Sync now' }).click();
  const failure = page.getByTestId('sync-repo-failure');
  await expect(failure).toContainText(DEFAULT_REPO);
  await expect(failure).toContainText('GITHUB_TOKEN');
  await expect(page.getByTestId('sync-last-run')).toHaveAttribute('data-status', 'failed');
  await expect(page.locator(`[data-cell="${cell.key}"]`).first()).toHaveAttribute('data-state', 'planned');

  await control('clear-faults');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.locator(`[data-cell="${cell.key}"]`).first()).toHaveAttribute('data-state', 'in-progress');
  await expect(failure).toHaveCount(0);
  await control('update-issue', { number: cell.issue!.number, assignees: [] });
  await request.post('/api/sync?wait=1');
});

test('issues the plan cannot place are listed on the "Unmapped / conflicts" panel, and the service page shows the issue in full', async ({
  page,
}) => {
  await page.goto('/');
  const panel = page.getByTestId('unmapped-panel');
  await expect(panel.getByRole('heading')).toHaveText('Unmapped / conflicts (2)');
  await expect(panel.locator('[data-mapping="unmapped"]')).toContainText('No service label');
  await expect(panel.locator('[data-mapping="conflict"]')).toContainText('acapy-agent/profiling-code');

  // The whole list has its own page (the panel lists the newest 100); a page that is not a number is said so.
  await page.goto('/unmapped');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unmapped / conflicts (2)');
  await expect(page.locator('[data-mapping]')).toHaveCount(2);
  await expect(page.locator('[data-mapping="conflict"]')).toContainText('acapy-agent/profiling-code');
  await expect(page.getByTestId('unmapped-pages')).toHaveText('Page 1 of 1');
  await page.goto('/unmapped?page=two');
  await expect(page.getByTestId('unmapped-bad-page')).toContainText('“two” is not a page number');

  await page.goto('/services/traction');
  const detail = page.locator('[data-cell="traction/faro-code"] [data-testid="issue-estimate"]');
  await expect(detail).toContainText('issue says ~5h');
  await expect(detail).toContainText('plan says ~3h');
});

test('webhooks: a forged delivery is refused, a signed one syncs the change', async ({ page, request }) => {
  const cell = await plannedCell(request);
  const body = JSON.stringify({
    action: 'assigned',
    issue: { number: cell.issue!.number },
    repository: { full_name: DEFAULT_REPO },
  });
  const forged = await request.post('/api/github/webhook', {
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-hub-signature-256': signWebhookBody('wrong-secret', body),
    },
    data: body,
  });
  expect(forged.status()).toBe(401);

  await control('update-issue', { number: cell.issue!.number, assignees: ['from-webhook'] });
  const signed = await request.post('/api/github/webhook', {
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-hub-signature-256': signWebhookBody(WEBHOOK_SECRET, body),
    },
    data: body,
  });
  expect(signed.status()).toBe(202);
  // The webhook answers at once; the sync it started lands a moment later.
  await expect(async () => {
    // Without the #fragment: a goto that differs only by hash would not reload the page.
    await page.goto(cell.href.split('#')[0]);
    await expect(page.locator(`[data-cell="${cell.key}"] [data-testid="cell-issue-detail"]`)).toContainText(
      '@from-webhook',
      { timeout: 1000 },
    );
  }).toPass({ timeout: 15_000 });
  await control('update-issue', { number: cell.issue!.number, assignees: [] });
  await request.post('/api/sync?wait=1');
});

test('the sync and "Unmapped / conflicts" panels have no accessibility violations (axe)', async ({ page }) => {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  await page.goto('/');
  await expect(page.getByTestId('unmapped-panel')).toBeVisible();
  const results = await new AxeBuilder({ page })
    .include('[data-testid="sync-panel"]')
    .include('[data-testid="unmapped-panel"]')
    .include('[data-testid="cell-issue"]')
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
