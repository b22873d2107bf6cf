import http from 'node:http';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { simulatorUrls } from './simulators';

// The e2e server runs with FARO_ENABLED=true and its /faro proxy pointed at the Alloy faro.receiver
// simulator; these tests read what the receiver accepted, as Alloy would have.

type Accepted = {
  headers: Record<string, string | undefined>;
  payload: {
    meta?: {
      app?: { name?: string; version?: string };
      session?: { id?: string };
      page?: { url?: string };
      view?: { name?: string };
    };
    measurements?: Array<{ type?: string; values?: Record<string, number> }>;
    exceptions?: Array<{ type?: string; value?: string }>;
    events?: Array<{ name?: string }>;
    traces?: {
      resourceSpans?: Array<{
        scopeSpans?: Array<{
          spans?: Array<{
            traceId: string;
            spanId: string;
            attributes?: Array<{ key: string; value: { stringValue?: string } }>;
          }>;
        }>;
      }>;
    };
  };
};

const receiver = () => simulatorUrls()['faro-receiver'];
const accepted = async (): Promise<Accepted[]> =>
  (await fetch(`${receiver()}/__sim/accepted`)).json() as Promise<Accepted[]>;
const fromBoard = async () => (await accepted()).filter((a) => a.payload.meta?.app?.name === 'rollout-board');
const spansOf = (a: Accepted) =>
  (a.payload.traces?.resourceSpans ?? []).flatMap((r) => r.scopeSpans ?? []).flatMap((s) => s.spans ?? []);

/** Faro has started once its session exists in the page. */
async function faroStarted(page: Page): Promise<string> {
  const handle = await page.waitForFunction(
    () =>
      (
        window as unknown as { faro?: { api?: { getSession?: () => { id?: string } | undefined } } }
      ).faro?.api?.getSession?.()?.id,
    null,
    { timeout: 15_000 },
  );
  return (await handle.jsonValue()) as string;
}

/** Faro batches and flushes on page hide: leaving the page sends whatever is pending. */
const leave = (page: Page) => page.goto('about:blank');

test.beforeEach(async () => {
  await fetch(`${receiver()}/__sim/reset`, { method: 'POST' });
});

test('loading the board sends a valid Faro payload through /faro: app name, web vitals, a session, no cookie', async ({
  page,
  context,
  baseURL,
}) => {
  await context.addCookies([{ name: 'board_session', value: 'must-not-leave-the-board', url: baseURL! }]);
  const consoleMessages: string[] = [];
  page.on('console', (message) => consoleMessages.push(message.text()));

  await page.goto('/');
  const sessionId = await faroStarted(page);
  await leave(page);

  await expect
    .poll(
      async () => (await fromBoard()).flatMap((a) => a.payload.measurements ?? []).some((m) => m.type === 'web-vitals'),
      { timeout: 15_000 },
    )
    .toBe(true);
  const payloads = await fromBoard();
  const first = payloads[0];
  expect(first.payload.meta?.app).toMatchObject({ name: 'rollout-board', version: expect.any(String) });
  expect(payloads.every((a) => a.payload.meta?.session?.id === sessionId)).toBe(true);
  expect(payloads.flatMap((a) => a.payload.events ?? []).map((e) => e.name)).toContain('session_start');
  const vitals = payloads.flatMap((a) => a.payload.measurements ?? []).filter((m) => m.type === 'web-vitals');
  expect(vitals.flatMap((m) => Object.keys(m.values ?? {}))).toEqual(expect.arrayContaining(['ttfb', 'fcp']));
  // Through the board's own /faro (Playwright does not surface the SDK's keepalive fetches, so ask
  // the board what its proxy forwarded), with the allow-listed headers only.
  // Not signed in here: the board shows other visitors' sessions to engineers only, but anyone their own.
  const proxy = (await (
    await fetch(`${baseURL}/api/faro/stats`, { headers: { 'x-faro-session-id': sessionId } })
  ).json()) as {
    proxy: { answered: Record<string, number>; recentSessionIds: string[] };
  };
  expect(proxy.proxy.answered['202']).toBeGreaterThanOrEqual(payloads.length);
  expect(proxy.proxy.recentSessionIds).toContain(sessionId);
  for (const { headers } of payloads) {
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-faro-session-id']).toBe(sessionId);
    expect(headers['x-forwarded-for']).toBeTruthy();
  }
  expect(consoleMessages.filter((text) => /CORS|Access-Control-Allow/i.test(text))).toEqual([]);
});

test.describe('a deliberately thrown error', () => {
  test.use({ allowedConsoleErrors: [/e2e deliberate error/] });

  test('arrives at the receiver as an exception', async ({ page }) => {
    await page.goto('/');
    await faroStarted(page);
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('e2e deliberate error');
      });
    });
    await expect
      .poll(
        async () =>
          (await fromBoard())
            .flatMap((a) => a.payload.exceptions ?? [])
            .find((e) => e.value === 'e2e deliberate error'),
        { timeout: 15_000 },
      )
      .toMatchObject({ type: 'Error', value: 'e2e deliberate error' });
  });
});

test("a fetch to the board's API arrives as a span whose trace id is the traceparent the API received", async ({
  page,
}) => {
  await page.goto('/reference/faro');
  const sessionId = await faroStarted(page);
  await expect(page.getByTestId('faro-session-id')).toHaveText(sessionId);

  const status = await page.evaluate(() =>
    fetch('/api/faro/stats').then((r) => r.json() as Promise<{ thisRequest: { traceparent: string | null } }>),
  );
  const traceparent = status.thisRequest.traceparent ?? '';
  expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const traceId = traceparent.split('-')[1];

  await expect
    .poll(async () => (await fromBoard()).flatMap(spansOf).find((s) => s.traceId === traceId), { timeout: 15_000 })
    .toMatchObject({ traceId, spanId: traceparent.split('-')[2] });
  const span = (await fromBoard()).flatMap(spansOf).find((s) => s.traceId === traceId)!;
  const url = span.attributes?.find((a) => a.key === 'http.url' || a.key === 'url.full')?.value.stringValue;
  expect(url).toContain('/api/faro/stats');

  // The reference page shows what the proxy forwarded, including that trace.
  await page.reload();
  await expect(page.getByTestId('faro-recent-traces')).toContainText(traceId, { timeout: 15_000 });
  await expect(page.getByTestId('faro-last-upstream')).toContainText('202');
});

test('an App Router navigation is reported as a view change; the reference page gives each recipe', async ({
  page,
}) => {
  await page.goto('/');
  await faroStarted(page);
  await page.getByRole('link', { name: 'Faro reference' }).click();
  await expect(page).toHaveURL(/\/reference\/faro$/);
  await expect
    .poll(
      async () =>
        (await fromBoard()).some(
          (a) =>
            a.payload.meta?.view?.name === '/reference/faro' &&
            (a.payload.events ?? []).some((e) => e.name === 'view_changed'),
        ),
      { timeout: 15_000 },
    )
    .toBe(true);
  for (const title of [
    'Express route',
    'FastAPI route',
    'Next.js route handler',
    'Browser SDK start-up',
    'Helm values',
  ]) {
    await expect(page.getByRole('heading', { name: title })).toBeVisible();
  }
  await expect(page.locator('#helm pre')).toContainText('faro:\n  enabled: false');
});

test('the real /faro route enforces its limits: 405, 415, 413 on a chunked body with nothing forwarded', async ({
  request,
  baseURL,
}) => {
  const other = await request.get('/faro');
  expect(other.status()).toBe(405);
  expect(other.headers().allow).toBe('POST');
  expect((await request.post('/faro', { headers: { 'content-type': 'text/plain' }, data: '{}' })).status()).toBe(415);

  // Up to 64 MiB streamed in 16 KiB chunks with no Content-Length: the route must stop at its 1 MiB limit.
  const { status, written } = await new Promise<{ status: number; written: number }>((resolve, reject) => {
    const url = new URL('/faro', baseURL);
    const chunk = Buffer.alloc(16 * 1024, 'x');
    let written = 0;
    const post = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, written });
        post.destroy();
      },
    );
    post.on('error', (error) => (written > 0 ? undefined : reject(error)));
    const pump = () => {
      while (written < 64 * 1024 * 1024) {
        written += chunk.length;
        if (!post.write(chunk)) return void post.once('drain', pump);
      }
      post.end();
    };
    pump();
  });
  expect(status).toBe(413);
  expect(written).toBeLessThan(64 * 1024 * 1024); // it stopped reading; the client could not push it all
  expect((await fromBoard()).length + (await accepted()).length).toBe(0);
});
