import AxeBuilder from '@axe-core/playwright';
import { expect, runVerification, test } from './fixtures';
import { controlSimulator, simulatorUrls } from './simulators';

// The e2e board runs in demo mode against the GitHub contents and Kubernetes simulators
// (simulators/evidence-demo.ts): acapy-agent is merged and deployed, bc-wallet-demo's code is merged.
// Verify all runs the repository and cluster checks with every other proof (one pipeline).
test.beforeAll(async ({ request }) => {
  await runVerification(request, { kind: 'all' });
});

/** What the first link must say for a cell, from the issue the demo's GitHub sync stored (if any). */
async function expectedIssueLink(request: import('@playwright/test').APIRequestContext, cellKey: string) {
  const [service] = cellKey.split('/');
  const detail = await (await request.get(`/api/services/${service}`)).json();
  const issue = detail.cells.find((c: { key: string }) => c.key === cellKey)?.issue as { state: string } | null;
  return {
    status: issue ? (issue.state === 'closed' ? 'passed' : 'failed') : 'not-checked',
    words: issue ? (issue.state === 'closed' ? 'passed' : 'not yet \\(the issue is open\\)') : 'not checked',
  };
}

test('a Helm cell shows its chain with the deployed link passed, its evidence and time', async ({ page, request }) => {
  const issueLink = await expectedIssueLink(request, 'acapy-agent/profiling-helm');
  await page.goto('/services/acapy-agent');
  const chain = page.locator('[data-cell="acapy-agent/profiling-helm"]').getByTestId('evidence-chain');
  // Deployed at least; the demo's Pyroscope has acapy-agent's profiles, so data may flow too.
  await expect(chain.getByTestId('chain-summary')).toHaveText(/^(deployed|data flowing)$/);
  const deployed = chain.locator('[data-link="deployed"]');
  await expect(deployed).toHaveAttribute('data-status', 'passed');
  await expect(deployed).toContainText(
    'PYROSCOPE_SERVER_ADDRESS set to host pyroscope.observability.svc.cluster.local:4040',
  );
  await expect(deployed.locator('time')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  await expect(chain.locator('[data-link="merged"]')).toHaveAttribute('data-status', 'passed');
  await expect(chain.locator('[data-link="merged"]')).toContainText(
    'charts/acapy/templates/deployment.yaml contains PYROSCOPE_SERVER_ADDRESS',
  );
  // The first link follows the synced issue: closed → passed, open → failed, none → not checked.
  await expect(chain.locator('[data-link="issue-closed"]')).toHaveAttribute('data-status', issueLink.status);
  await deployed.getByText('Evidence').click();
  await expect(deployed.locator('pre')).toContainText('"namespace": "ca7f8f-dev"');
});

test('a deployment whose key comes from an unreadable ConfigMap shows as partly deployed, in the matrix and the chain', async ({
  page,
}) => {
  // The demo's bc-wallet-demo server takes PYROSCOPE_SERVER_ADDRESS through envFrom: the check passes, the key
  // itself is not confirmed, so neither the matrix nor the chain may call it simply deployed.
  await page.goto('/');
  const td = page.locator('td:has(a[data-cell="bc-wallet-demo/profiling-helm"])');
  await expect(td.locator('[data-testid="live-status"][data-check="deployed"]')).toHaveText('Deployed: partly');
  await expect(td.getByRole('img', { name: /deployed partly proven/ })).toBeVisible();
  await page.goto('/services/bc-wallet-demo');
  const chain = page.locator('[data-cell="bc-wallet-demo/profiling-helm"]').getByTestId('evidence-chain');
  await expect(chain.getByTestId('chain-summary')).toHaveText('merged, deployed partly');
  const deployed = chain.locator('[data-link="deployed"]');
  await expect(deployed).toHaveAttribute('data-status', 'partial');
  await expect(deployed.locator('.chain-status')).toHaveText('partly proven');
  await expect(deployed).toContainText('via ConfigMap bc-wallet-demo-env');
  await expect(deployed).toContainText('so the key itself is not confirmed');
});

test('a code cell shows merged passed and no data as "merged, not flowing"', async ({ page }) => {
  // bc-wallet-demo's code is merged in the demo repositories; stop its profiles reaching Pyroscope.
  const control = (body: unknown) => controlSimulator('pyroscope', body ?? 'reset');
  expect((await control({ data: { 'bc-wallet-demo-server': false } })).status).toBe(200);
  try {
    await page.goto('/services/bc-wallet-demo');
    const cell = page.locator('[data-cell="bc-wallet-demo/profiling-code"]');
    await cell.getByRole('button', { name: 'Verify now: bc-wallet-demo — Pyroscope Profiling (Code)' }).click();
    await expect(cell.locator('[data-check="pyroscope"]')).toHaveAttribute('data-status', 'fail');
    await page.reload();
    const chain = page.locator('[data-cell="bc-wallet-demo/profiling-code"]').getByTestId('evidence-chain');
    await expect(chain.getByTestId('chain-summary')).toHaveText('merged, not flowing');
    await expect(chain.locator('[data-link="merged"]')).toHaveAttribute('data-status', 'passed');
    await expect(chain.locator('[data-link="merged"]')).toContainText(
      'server/package.json depends on @pyroscope/nodejs',
    );
    await expect(chain.locator('[data-link="data-flowing"]')).toHaveAttribute('data-status', 'failed');
  } finally {
    await control(null);
  }
});

test('failing links say why: a ConfigMap reference, faro.enabled true by default, a package missing', async ({
  page,
}) => {
  await page.goto('/services/acapy-vc-authn-oidc');
  await expect(page.locator('[data-cell="acapy-vc-authn-oidc/profiling-helm"] [data-link="deployed"]')).toContainText(
    'set via ConfigMap acapy-vc-authn-oidc-observability (key pyroscope-server-address)',
  );
  const faroMerged = page.locator('[data-cell="acapy-vc-authn-oidc/faro-helm"] [data-link="merged"]');
  await expect(faroMerged).toHaveAttribute('data-status', 'failed');
  await expect(faroMerged).toContainText('faro.enabled defaults to true, the plan wants false');
  await page.goto('/services/traction');
  await expect(page.locator('[data-cell="traction/profiling-code"] [data-link="merged"]')).toContainText(
    'no dependency on pyroscope-io',
  );
});

test('each matrix cell carries a compact chain with a spoken summary', async ({ page, request }) => {
  const issueLink = await expectedIssueLink(request, 'acapy-agent/profiling-helm');
  await page.goto('/');
  const helm = page.locator('[data-cell="acapy-agent/profiling-helm"]');
  await expect(helm.getByRole('img')).toHaveAttribute(
    'aria-label',
    new RegExp(
      `^Evidence: issue closed ${issueLink.words}, merged passed, deployed passed, data flowing (passed|failed|not checked) \\((deployed|data flowing)\\)$`,
    ),
  );
  // The dots are drawn from the same statuses: "2p" is the second link (merged), passed.
  await expect(helm.locator('.chain-dots')).toHaveAttribute('data-chain', /^1[pfhrn] 2p 3p 4[pfhrn]$/);
  await expect(page.locator('[data-cell="credo-ts/profiling-helm"] .chain-dots')).not.toHaveAttribute(
    'data-chain',
    /\dp/,
  );
});

test('Verify every cell of a service runs its repository and cluster checks too, and shows the result', async ({
  page,
}) => {
  await page.goto('/services/didwebvh-server-py');
  await page.getByRole('button', { name: 'Verify every cell of didwebvh-server-py now' }).click();
  const deployed = page.locator('[data-cell="didwebvh-server-py/faro-helm"] [data-link="deployed"]');
  await expect(deployed).toContainText('FARO_ENABLED is not true');
  await expect(deployed.locator('time')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
});

test('the old evidence route is gone: merged and deployed are proofs of POST /api/verify', async ({ request }) => {
  expect((await request.post('/api/evidence', { data: { scope: 'all' } })).status()).toBe(404);
  const since = new Date().toISOString();
  await runVerification(request, { kind: 'cell', key: 'traction/faro-helm' });
  const detail = await (await request.get('/api/services/traction')).json();
  const cell = detail.cells.find((c: { key: string }) => c.key === 'traction/faro-helm');
  const fresh = cell.latestChecks
    .filter((c: { checkedAt: string }) => c.checkedAt >= since)
    .map((c: { check: string; status: string }) => `${c.check}:${c.status}`)
    .sort();
  expect(fresh).toEqual(expect.arrayContaining(['deployed:pass', 'merged:pass']));
});

test('the evidence chain and the chain dots pass an accessibility check', async ({ page }) => {
  for (const url of ['/services/traction', '/']) {
    await page.goto(url);
    const results = await new AxeBuilder({ page }).include(url === '/' ? '[data-testid="matrix"]' : 'main').analyze();
    expect(
      results.violations.map(
        (v) =>
          `${v.id}: ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      ),
      url,
    ).toEqual([]);
  }
});

test('a link that breaks after passing shows as regressed, with what the board needs (RBAC 403)', async ({
  page,
  request,
}) => {
  const kubernetes = simulatorUrls().kubernetes;
  const forbid = (resources: string[]) => request.post(`${kubernetes}/__sim/forbidden`, { data: { resources } });
  const check = () => runVerification(request, { kind: 'cell', key: 'acapy-agent/profiling-helm' });
  try {
    await forbid(['pods']);
    await check();
    await page.goto('/services/acapy-agent');
    const deployed = page.locator('[data-cell="acapy-agent/profiling-helm"] [data-link="deployed"]');
    await expect(deployed).toHaveAttribute('data-status', 'failed');
    await expect(deployed).toContainText('regressed (passed before)');
    await expect(deployed).toContainText('error: forbidden (needs get/list on pods in namespace ca7f8f-dev)');
  } finally {
    await forbid([]);
    await check();
  }
  await page.reload();
  await expect(page.locator('[data-cell="acapy-agent/profiling-helm"] [data-link="deployed"]')).toHaveAttribute(
    'data-status',
    'passed',
  );
});
