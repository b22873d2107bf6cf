import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { parseConfig } from '../lib/config/env';
import { SESSION_COOKIE, seal } from '../lib/auth/session';
import { authSettings } from '../lib/auth/settings';
import { STRICT_LOG, STRICT_SECRETS } from '../playwright.config';
import { expect, test } from './fixtures';
import { type DemoLogin, signIn } from './sign-in';

// Runs against the strict board (playwright.config.ts): no anonymous reading, 30 s cool-down, trusted
// headers only from 10.0.0.0/8, and secrets this file knows.
test.describe.configure({ mode: 'serial' });

const origin = () => test.info().project.use.baseURL as string;

async function signedIn(browser: Browser, login: DemoLogin): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: origin() });
  const page = await context.newPage();
  await signIn(page, login);
  return { context, page };
}

const json = { 'content-type': 'application/json' };
const verifyCell = (key: string) => ({ kind: 'cell', key });
/** A criterion no data can prove: credo-ts's Helm chart names no workload to look at. */
const signOffBody = { cell: 'credo-ts/profiling-helm', criterion: 0, note: 'pod spec reviewed' };

async function verifyIdle(page: Page) {
  await expect
    .poll(async () => ((await (await page.request.get('/api/verify')).json()) as { running: string[] }).running)
    .toEqual([]);
}

test('an anonymous visitor is sent to sign in, the API answers 401, and health needs no session', async ({
  page,
  request,
}) => {
  await page.goto('/progress');
  await expect(page).toHaveURL(/\/signin\?returnTo=%2Fprogress$/);
  await expect(page.getByTestId('demo-users')).toContainText('engineer');
  const matrix = await request.get('/api/matrix');
  expect(matrix.status()).toBe(401);
  expect(await matrix.json()).toMatchObject({ code: 'unauthorized', error: expect.stringContaining('Sign in') });
  expect((await request.get('/api/health')).status()).toBe(200);
});

test('each page gets its own CSP nonce on every inline script, whatever CSP the request claims; pages take no body', async ({
  request,
}) => {
  const forged = { 'content-security-policy': "script-src 'nonce-chosen-by-the-client'" };
  const nonces: string[] = [];
  for (let i = 0; i < 2; i++) {
    const page = await request.get('/signin', { headers: forged });
    expect(page.status()).toBe(200);
    const nonce = /'nonce-([^']+)'/.exec(page.headers()['content-security-policy'] ?? '')?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(3);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    nonces.push(nonce as string);
  }
  expect(nonces[1]).not.toBe(nonces[0]);
  // Signing in first: a 303 straight from the board's server, with the page and its query to come back to.
  const asked = await request.get('/progress?state=verified', { maxRedirects: 0 });
  expect(asked.status()).toBe(303);
  expect(asked.headers()).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
  expect(asked.headers().location).toMatch(/\/signin\?returnTo=%2Fprogress%3Fstate%3Dverified$/);
  const posted = await request.post('/signin', {
    data: 'x'.repeat(100_000),
    headers: { 'content-type': 'text/plain' },
  });
  expect(posted.status()).toBe(413);
  expect(posted.headers()['x-content-type-options']).toBe('nosniff');
  expect(await posted.text()).toContain('no request body');
  // The API is not a page: no CSP from here, and its own caps and rules apply.
  expect((await request.get('/api/health')).headers()['content-security-policy']).toBeUndefined();
});

test('signing in with OpenID Connect in Chromium returns to the page asked for, and signing out ends it', async ({
  page,
}) => {
  await signIn(page, 'engineer', '/progress');
  await expect(page.getByTestId('user-menu')).toContainText('Erin Engineer');
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/signin\?signedOut=1/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
});

test('each role is allowed and refused on every action route, with 401/403 in the JSON error shape', async ({
  browser,
  request,
}) => {
  // Three sign-ins through the OpenID provider, a sync, verifications and a sign-off: more than the default 30 s.
  test.setTimeout(90_000);
  // Not signed in: 401 everywhere.
  for (const [url, data] of [
    ['/api/sync?wait=1', undefined],
    ['/api/verify', verifyCell('traction/profiling-code')],
    ['/api/sign-offs', signOffBody],
  ] as const) {
    const answer = await request.post(url, { headers: json, data: data ?? {} });
    expect(answer.status(), url).toBe(401);
    expect(await answer.json()).toMatchObject({ code: 'unauthorized' });
  }
  expect((await request.get('/api/audit')).status()).toBe(401);

  const viewer = await signedIn(browser, 'viewer');
  for (const [url, data] of [
    ['/api/sync?wait=1', {}],
    ['/api/verify', verifyCell('traction/profiling-code')],
    ['/api/sign-offs', signOffBody],
  ] as const) {
    const answer = await viewer.page.request.post(url, { headers: json, data });
    expect(answer.status(), url).toBe(403);
    expect(await answer.json()).toMatchObject({
      code: 'forbidden',
      error: expect.stringContaining('rollout-engineers'),
    });
  }
  expect((await viewer.page.request.get('/api/audit')).status()).toBe(403);
  // The UI says why instead of offering what would be refused.
  await viewer.page.goto('/services/traction');
  await expect(viewer.page.getByRole('button', { name: /^Verify every cell of / })).toBeDisabled();
  await expect(viewer.page.getByTestId('action-reason').first()).toContainText('Needs the engineer role');

  const engineer = await signedIn(browser, 'engineer');
  expect((await engineer.page.request.post('/api/sync?wait=1', { headers: json, data: {} })).status()).toBe(200);
  expect(
    (
      await engineer.page.request.post('/api/verify', { headers: json, data: verifyCell('traction/profiling-code') })
    ).status(),
  ).toBe(202);
  const signed = await engineer.page.request.post('/api/sign-offs', { headers: json, data: signOffBody });
  expect(signed.status()).toBe(201);
  const { signOff } = (await signed.json()) as { signOff: { id: string; by: string } };
  expect(signOff.by).toBe('Erin Engineer');
  expect((await engineer.page.request.get('/api/audit')).status()).toBe(403);
  await engineer.page.goto('/services/traction');
  await expect(engineer.page.getByRole('button', { name: /^Verify every cell of / })).toBeEnabled();

  const admin = await signedIn(browser, 'admin');
  expect(
    (await admin.page.request.post('/api/verify', { headers: json, data: verifyCell('traction/faro-code') })).status(),
  ).toBe(202);
  // An admin may revoke anyone's sign-off (the engineer's, here); it stays in the history as revoked.
  const revoked = await admin.page.request.post(`/api/sign-offs/${signOff.id}/revoke`, { headers: json, data: {} });
  expect(revoked.status()).toBe(200);
  expect((await revoked.json()).signOff).toMatchObject({ by: 'Erin Engineer', revokedBy: 'Ada Admin' });
  // The sync ran moments ago: the admin passes the role check and meets the cool-down, not a 403.
  const adminSync = await admin.page.request.post('/api/sync?wait=1', { headers: json, data: {} });
  expect(adminSync.status()).toBe(429);
  expect((await admin.page.request.get('/api/audit')).status()).toBe(200);
  for (const side of [viewer, engineer, admin]) await side.context.close();
});

test('an expired, tampered or foreign session is refused', async ({ browser, request }) => {
  const engineer = await signedIn(browser, 'engineer');
  const cookie = (await engineer.context.cookies()).find((c) => c.name === SESSION_COOKIE)?.value ?? '';
  await engineer.context.close();
  const post = (value: string) =>
    request.post('/api/verify', {
      headers: { ...json, cookie: `${SESSION_COOKIE}=${value}` },
      data: verifyCell('credo-ts/faro-helm'),
    });
  const parts = cookie.split('.');
  parts[3] = `${parts[3].startsWith('A') ? 'B' : 'A'}${parts[3].slice(1)}`;
  expect((await post(parts.join('.'))).status()).toBe(401);

  const settings = authSettings(
    parseConfig({ AUTH_OIDC_ISSUER: 'http://127.0.0.1:9', AUTH_OIDC_CLIENT_ID: 'x', ...STRICT_SECRETS }),
  );
  const key = settings.sessionKey ?? new Uint8Array();
  const claims = { subject: 'engineer', name: 'Erin Engineer', groups: ['rollout-engineers'] };
  const expired = await seal('session', claims, key, 60, Date.now() - 3_600_000);
  expect((await post(expired)).status()).toBe(401);
  const foreign = authSettings(
    parseConfig({
      AUTH_OIDC_ISSUER: 'http://127.0.0.1:9',
      AUTH_OIDC_CLIENT_ID: 'x',
      AUTH_OIDC_CLIENT_SECRET: 'another-secret-entirely',
    }),
  );
  expect((await post(await seal('session', claims, foreign.sessionKey ?? key, 600))).status()).toBe(401);
  // The same claims sealed with the board's key do pass: the refusals above are about the seal.
  expect((await post(await seal('session', claims, key, 600))).status()).toBe(202);
});

test("a callback that did not come from this browser's sign-in, or whose code fails, signs no one in", async ({
  page,
}) => {
  // No sign-in started here: nothing to check state, nonce and PKCE against.
  await page.goto('/api/auth/callback?code=stolen&state=guessed');
  await expect(page).toHaveURL(/\/signin\?error=/);
  await expect(page.getByTestId('signin-error')).toContainText('sign in again');
  // A real start, then a forged code with the right state: the provider's token endpoint refuses it.
  const toProvider = await page.request.get('/api/auth/signin?returnTo=/', { maxRedirects: 0 });
  const state = new URL(toProvider.headers().location).searchParams.get('state');
  await page.goto(`/api/auth/callback?code=forged&state=${state}`);
  await expect(page.getByTestId('signin-error')).toContainText('token exchange');
  expect((await page.context().cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
});

test('trusted headers are ignored from an address outside AUTH_TRUSTED_PROXIES', async ({ request }) => {
  const headers = {
    'x-forwarded-user': 'mallory',
    'x-forwarded-groups': 'rollout-admins',
    // Claiming to be the proxy does not help either: the board writes the peer address itself.
    'x-rollout-board-peer': '10.0.0.7',
    'x-forwarded-for': '10.0.0.7',
  };
  expect((await request.get('/api/audit', { headers })).status()).toBe(401);
  expect(
    (
      await request.post('/api/verify', { headers: { ...headers, ...json }, data: verifyCell('acapy-agent/faro-helm') })
    ).status(),
  ).toBe(401);
});

test('a cross-site form post and a text/plain post are refused before they reach the action', async ({
  browser,
  page,
}) => {
  const engineer = await signedIn(browser, 'engineer');
  // Same origin, signed in, but not JSON: 415.
  const plain = await engineer.page.request.post('/api/verify', {
    headers: { 'content-type': 'text/plain', origin: origin() },
    data: JSON.stringify(verifyCell('credo-ts/profiling-helm')),
  });
  expect(plain.status()).toBe(415);
  expect(await plain.json()).toMatchObject({ code: 'unsupported_media_type' });

  // Another site's page posting a form at the board, from the engineer's browser.
  await engineer.page.route('http://attacker.test/', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<form method="post" action="${origin()}/api/verify" enctype="text/plain">
        <input name='{"kind":"all","x":"' value='"}'></form><script>document.forms[0].submit()</script>`,
    }),
  );
  // The POST only: the page the engineer just left may still answer its GET /api/verify status poll.
  const refused = engineer.page.waitForResponse(
    (r) => r.url().endsWith('/api/verify') && r.request().method() === 'POST',
  );
  await engineer.page.goto('http://attacker.test/');
  const answer = await refused;
  expect(answer.status()).toBe(403);
  expect(await answer.json()).toMatchObject({ code: 'forbidden', error: expect.stringContaining('attacker.test') });
  expect((await (await engineer.page.request.get('/api/verify')).json()).running).not.toContain('verify:all');
  await engineer.context.close();
  await page.close();
});

test('a new run of the same scope within the cool-down gets 429 with Retry-After', async ({ browser }) => {
  const engineer = await signedIn(browser, 'engineer');
  const start = () =>
    engineer.page.request.post('/api/verify', { headers: json, data: verifyCell('bc-wallet-demo/profiling-code') });
  expect((await start()).status()).toBe(202);
  await verifyIdle(engineer.page);
  const again = await start();
  expect(again.status()).toBe(429);
  const retryAfter = Number(again.headers()['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(30);
  expect(await again.json()).toMatchObject({ code: 'rate_limited', error: expect.stringContaining('can start again') });
  // Clicked in the browser, the same refusal is announced: an alert (a live region) with the server's reason.
  await engineer.page.goto('/services/bc-wallet-demo');
  const cell = engineer.page.locator('[data-verification="bc-wallet-demo/profiling-code"]');
  await cell.getByRole('button', { name: /^Verify now: / }).click();
  await expect(cell.getByRole('alert')).toContainText('can start again');
  await engineer.context.close();
});

test('every action leaves an audit row: admins read it at /audit and GET /api/audit, the service page shows its own', async ({
  browser,
}) => {
  const admin = await signedIn(browser, 'admin');
  const { events } = (await (await admin.page.request.get('/api/audit?limit=500')).json()) as {
    events: Array<{ actor: string; action: string; outcome: string; target: string; status: number | null }>;
  };
  const has = (actor: string, action: string, outcome: string, target?: string) =>
    events.some(
      (e) => e.actor === actor && e.action === action && e.outcome === outcome && (!target || e.target === target),
    );
  expect(has('Erin Engineer', 'sign-in', 'ok')).toBe(true);
  expect(has('Erin Engineer', 'sign-out', 'ok')).toBe(true);
  expect(has('Erin Engineer', 'sync', 'ok', 'all')).toBe(true);
  expect(has('Erin Engineer', 'verify', 'started', 'cell:traction/profiling-code')).toBe(true);
  expect(has('Erin Engineer', 'sign-off', 'ok', 'cell:credo-ts/profiling-helm#0')).toBe(true);
  expect(has('Ada Admin', 'revoke', 'ok')).toBe(true);
  expect(has('Erin Engineer', 'verify', 'refused', 'cell:bc-wallet-demo/profiling-code')).toBe(true);
  expect(has('Vera Viewer', 'verify', 'refused', 'cell:traction/profiling-code')).toBe(true);
  expect(has('Ada Admin', 'sync', 'refused', 'all')).toBe(true);
  expect(has('unknown', 'sign-in', 'failed')).toBe(true);
  // Anonymous and cross-site attempts never reached an action, so they are not anyone's rows.
  expect(events.some((e) => e.actor === 'mallory' || (e.target === 'all' && e.action === 'verify'))).toBe(false);

  await admin.page.goto('/audit');
  await expect(admin.page.getByTestId('audit-row').first()).toBeVisible();
  await admin.page.goto('/services/credo-ts');
  const actions = admin.page.getByTestId('service-actions');
  await expect(actions.locator('[data-action="sign-off"]', { hasText: 'Erin Engineer' }).first()).toBeVisible();
  await expect(actions).not.toContainText('bc-wallet-demo');
  await admin.context.close();

  const viewer = await signedIn(browser, 'viewer');
  await viewer.page.goto('/audit');
  await expect(viewer.page.getByTestId('audit-refused')).toContainText('Only admins');
  await viewer.context.close();
});

test("the Faro reference shows other sessions' ids and the upstream URL to engineers only", async ({ browser }) => {
  const viewer = await signedIn(browser, 'viewer');
  const seen = await (await viewer.page.request.get('/api/faro/stats')).json();
  expect(seen).toMatchObject({ restricted: true, upstreamUrl: null, proxy: { recentTraceIds: [] } });
  await viewer.context.close();
  const engineer = await signedIn(browser, 'engineer');
  const all = await (await engineer.page.request.get('/api/faro/stats')).json();
  expect(all).toMatchObject({
    restricted: false,
    upstreamUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/collect$/),
  });
  await engineer.context.close();
});

test('no secret reaches .next/static, a page, an API answer or a log line', async ({ browser }) => {
  // Every built file, six pages and seven API answers in one test: 5 s here on a quiet machine, and over
  // the default 30 s once when another test suite ran on the same 2 cores.
  test.setTimeout(90_000);
  const secrets = Object.values(STRICT_SECRETS);
  const leaks = (text: string) => secrets.filter((secret) => text.includes(secret));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : [full];
    });
  for (const file of files(path.resolve('.next/static'))) expect(leaks(readFileSync(file, 'utf8')), file).toEqual([]);

  const admin = await signedIn(browser, 'admin');
  for (const url of ['/', '/progress', '/signin', '/audit', '/services/traction', '/reference/faro']) {
    const response = await admin.page.goto(url);
    expect(leaks((await response?.text()) ?? ''), url).toEqual([]);
  }
  for (const url of [
    '/api/matrix',
    '/api/sync',
    '/api/verify',
    '/api/audit',
    '/api/faro/stats',
    '/api/health',
    '/api/services/traction',
  ]) {
    expect(leaks(await (await admin.page.request.get(url)).text()), url).toEqual([]);
  }
  // Signed out all the way (the provider's logout included) before the log is read, so sign-out's own
  // lines are in it. Closing the context mid-redirect once hung the close until the test timed out.
  await admin.page.getByTestId('sign-out').click();
  await expect(admin.page).toHaveURL(/\/signin\?signedOut=1/);
  await admin.context.close();
  expect(leaks(readFileSync(STRICT_LOG, 'utf8'))).toEqual([]);
});
