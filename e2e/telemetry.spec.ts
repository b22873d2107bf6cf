import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { simulatorUrls } from './simulators';

// The e2e board runs the demo: it traces itself to the Tempo simulator (OTLP/HTTP), and its browser's
// Faro traces reach the same Tempo through /faro and the faro.receiver simulator.

type TempoTrace = {
  trace?: {
    resourceSpans?: Array<{
      resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
      scopeSpans?: Array<{ spans?: Array<{ spanId: string; parentSpanId?: string; name: string; kind?: string }> }>;
    }>;
  };
};

const tempo = () => simulatorUrls().tempo;
const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

async function faroStarted(page: Page) {
  await page.waitForFunction(
    () =>
      (
        window as unknown as { faro?: { api?: { getSession?: () => { id?: string } | undefined } } }
      ).faro?.api?.getSession?.()?.id,
    null,
    { timeout: 15_000 },
  );
}

test("a browser fetch and the board's server span share one trace id, and the reference page shows it", async ({
  page,
}) => {
  await page.goto('/reference/faro');
  await faroStarted(page);
  const status = await page.evaluate(() =>
    fetch('/api/faro/stats').then((r) => r.json() as Promise<{ thisRequest: { traceparent: string | null } }>),
  );
  const [, traceId, browserSpanId] = (status.thisRequest.traceparent ?? '').split('-');
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);

  // The board's server span for that request, in Tempo, under the browser's trace id and span.
  const serverSpan = async () => {
    const trace = (await (await fetch(`${tempo()}/api/v2/traces/${traceId}`)).json()) as TempoTrace;
    return (trace.trace?.resourceSpans ?? [])
      .filter((rs) =>
        rs.resource?.attributes?.some((a) => a.key === 'service.name' && a.value.stringValue === 'rollout-board'),
      )
      .filter(
        (rs) =>
          !rs.resource?.attributes?.some((a) => a.key === 'telemetry.sdk.language' && a.value.stringValue === 'webjs'),
      )
      .flatMap((rs) => rs.scopeSpans ?? [])
      .flatMap((ss) => ss.spans ?? [])
      .find((s) => s.parentSpanId && hex(s.parentSpanId) === browserSpanId);
  };
  await expect.poll(serverSpan, { timeout: 20_000 }).toMatchObject({ kind: 'SPAN_KIND_SERVER' });
  expect((await serverSpan())!.name).toContain('/api/faro/stats');

  // The browser's own span (Faro, through /faro and the receiver) lands in the same trace.
  await expect
    .poll(
      async () => {
        const trace = (await (await fetch(`${tempo()}/api/v2/traces/${traceId}`)).json()) as TempoTrace;
        return (trace.trace?.resourceSpans ?? [])
          .flatMap((rs) => rs.scopeSpans ?? [])
          .flatMap((ss) => ss.spans ?? [])
          .some((s) => hex(s.spanId) === browserSpanId);
      },
      { timeout: 20_000 },
    )
    .toBe(true);

  // The reference page finds such a trace by itself and shows the browser span with its server child.
  await page.reload();
  await expect(page.getByTestId('own-trace')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('own-trace-server-span')).toContainText('parent');
});

test('GET /metrics answers Prometheus text with every cell of the matrix', async ({ request }) => {
  const response = await request.get('/metrics');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const matrix = (await (await request.get('/api/matrix')).json()) as {
    rows: Array<{ cells: Array<{ serviceSlug: string; capabilitySlug: string; state: string } | null> }>;
  };
  for (const cell of matrix.rows.flatMap((r) => r.cells).filter((c) => c !== null)) {
    expect(text).toContain(
      `rollout_cell_state{service="${cell.serviceSlug}",capability="${cell.capabilitySlug}",state="${cell.state}"} 1`,
    );
  }
  expect(text).toMatch(/^process_cpu_seconds_total \d/m);
});
