import { expect, runVerification, test } from './fixtures';

test('a cell one log line used to verify is closed · unverified, its Loki criterion saying "no Web Vitals"', async ({
  page,
}) => {
  // traction's tenant UI only sends logs in the demo; its Faro code issue is closed.
  await page.goto('/services/traction');
  const section = page.locator('section[data-cell="traction/faro-code"]');
  await section.getByRole('button', { name: /^Verify now: traction — Faro RUM \(Code\)$/ }).click();
  const loki = section.getByTestId('criterion').filter({ hasText: 'Browser errors and Web Vitals appear in Loki' });
  await expect(loki).toHaveAttribute('data-status', 'fail');
  await expect(loki.getByTestId('criterion-reason')).toContainText('no Web Vitals');
  await expect(section.getByTestId('cell-state')).toHaveAttribute('data-state', 'closed-unverified');
  // The checklist has every criterion in the plan's words, each with its proof.
  await expect(section.getByTestId('criterion')).toHaveCount(3);
  await expect(section.getByTestId('criteria')).toContainText('Loki: browser telemetry');
  // Evidence is there, collapsed behind the criterion.
  await expect(loki.locator('details.criterion-evidence')).not.toHaveAttribute('open');
});

test('the CORS proof fails for a service whose /faro route lacks the header', async ({ page }) => {
  await page.goto('/services/acapy-vc-authn-oidc');
  const section = page.locator('section[data-cell="acapy-vc-authn-oidc/faro-code"]');
  await section.getByRole('button', { name: /^Verify now: / }).click();
  const cors = section.getByTestId('criterion').filter({ hasText: 'No CORS errors in browser console' });
  await expect(cors).toHaveAttribute('data-status', 'fail');
  await expect(cors.getByTestId('criterion-reason')).toContainText('would log a CORS error');
  await expect(cors.getByTestId('criterion-reason')).toContainText('no Access-Control-Allow-Origin header');
});

test('a matrix cell says how many criteria hold and names the failing one on hover and on keyboard focus', async ({
  page,
  request,
}) => {
  expect((await request.post('/api/verify', { data: { kind: 'cell', key: 'traction/faro-code' } })).status()).toBe(202);
  await expect
    .poll(async () => (await (await request.get('/api/verify')).json()).running.length, { timeout: 20_000 })
    .toBe(0);
  const matrix = await (await request.get('/api/matrix')).json();
  const cell = matrix.rows
    .flatMap((r: { cells: Array<{ key: string } | null> }) => r.cells)
    .find((c: { key: string } | null) => c?.key === 'traction/faro-code');
  // The API keeps latestChecks and gains each criterion with its status.
  expect(cell.latestChecks.length).toBeGreaterThan(0);
  expect(cell.criteria.map((c: { proof: { kind: string } }) => c.proof.kind)).toEqual([
    'browser-telemetry',
    'traces',
    'faro-route',
  ]);
  expect(cell.criteria[0]).toMatchObject({ status: 'fail', holds: false });

  await page.goto('/');
  const link = page.locator('a[data-cell="traction/faro-code"]');
  await expect(link.locator('.cell-criteria')).toHaveText(`${cell.criteriaHeld} of 3 criteria`);
  const failing = link.getByTestId('cell-failing');
  await expect(failing).toBeHidden();
  await link.focus();
  await expect(failing).toBeVisible();
  await expect(failing).toContainText('Browser errors and Web Vitals appear in Loki as structured log entries');
  await page.locator('h1').first().click();
  await expect(failing).toBeHidden();
  await link.hover();
  await expect(failing).toBeVisible();
});

test('a sign-off turns the last criterion green: the gate is verified, shown as signed off, and revoking undoes it', async ({
  page,
  request,
}) => {
  // The gate's four data criteria pass against the demo upstreams; its issue is closed. What is left
  // is "Any network policy or RBAC issues identified and resolved", which only a person can confirm.
  await runVerification(request, { kind: 'cell', key: 'gate/infrastructure' });
  await page.goto('/');
  const gate = page.locator('#gate');
  await expect(gate.locator('.cell-criteria')).toHaveText('4 of 5 criteria');
  await gate.getByText('Acceptance criteria, proofs and sign-off').click();
  const rbac = gate
    .getByTestId('criterion')
    .filter({ hasText: 'Any network policy or RBAC issues identified and resolved' });
  await expect(rbac).toHaveAttribute('data-status', 'needs-sign-off');
  await expect(gate.getByTestId('criterion').and(page.locator('[data-holds="true"]'))).toHaveCount(4);

  await rbac.getByRole('button', { name: /^Sign off: Any network policy/ }).click();
  await rbac.getByLabel('What did you check?').fill('NetworkPolicy allows observability → Pyroscope:4040');
  await rbac.getByRole('button', { name: 'Confirm sign-off' }).click();

  await expect(rbac).toHaveAttribute('data-status', 'signed-off');
  await expect(rbac.getByTestId('criterion-status')).toHaveText('signed off');
  await expect(rbac.getByTestId('criterion-reason')).toContainText('Signed off by Erin Engineer');
  await expect(rbac.getByTestId('criterion-reason')).toContainText('NetworkPolicy allows observability');
  await expect(gate.locator('.cell-criteria')).toHaveText('5 of 5 criteria');
  await expect(gate.locator('[data-state]').first()).toHaveAttribute('data-state', 'verified');

  // The history keeps it; revoking makes the gate unverified again (not regressed: no data failed).
  await rbac.getByRole('button', { name: /^Revoke sign-off: / }).click();
  await expect(rbac).toHaveAttribute('data-status', 'needs-sign-off');
  await expect(rbac.getByTestId('criterion-reason')).toContainText('revoked by Erin Engineer');
  await expect(gate.locator('[data-state]').first()).toHaveAttribute('data-state', 'closed-unverified');
  await rbac.getByText(/^Sign-off history/).click();
  await expect(rbac.getByTestId('sign-off-history')).toContainText('Erin Engineer signed off on');
  await expect(rbac.getByTestId('sign-off-history')).toContainText('revoked by Erin Engineer');
});
