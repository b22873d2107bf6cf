import { afterEach, describe, expect, it } from 'vitest';
import { json, type RunningSimulator, serveSimulator, type SimResponse, text } from '@/simulators/http';
import { recordedBody, recording } from '@/simulators/recordings';
import { startTempoSimulator, type TempoSimulator } from '@/simulators/tempo';
import type { Upstream } from './http';
import { parseHasBackendSpan, parseSearchTraces, probeTempo } from './tempo';

const body = (name: string) => recordedBody(recording(name));

describe('Tempo reply parsers on the recorded replies', () => {
  it('lists search results newest first, and none for an unknown service', () => {
    const traces = parseSearchTraces(body('tempo/search-tags-service-name.json'));
    expect(traces.ok && traces.value.map((t) => t.traceID)).toEqual([
      '8a1cc8ab8b92237c5ff8dcb6e49c0b8d',
      'a6c33e19621437afc60a920557bd49e7',
    ]);
    expect(traces.ok && traces.value[0].startedAt).toBe('2026-11-25T10:00:44.603Z');
    expect(parseSearchTraces(body('tempo/search-traceql-unknown-service.json'))).toEqual({ ok: true, value: [] });
  });

  it('sees the backend span in the recorded browser → server trace, and none in an unknown one', () => {
    expect(parseHasBackendSpan(body('tempo/trace-by-id-v2.json'))).toEqual({ ok: true, value: true });
    expect(parseHasBackendSpan(body('tempo/trace-by-id-v2-not-found.json'))).toEqual({ ok: true, value: false });
  });
});

describe('probeTempo against the simulator', () => {
  let sim: TempoSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });
  const window = () => ({ start: Date.now() - 15 * 60_000, end: Date.now() });
  const upstream = (timeoutMs = 5000): Upstream => ({ name: 'Tempo', envPrefix: 'TEMPO', url: sim!.url, timeoutMs });

  it('passes when a browser trace reaches a backend span', async () => {
    sim = await startTempoSimulator({ apps: { 'bc-wallet-demo': 'linked' } });
    const result = await probeTempo(upstream(), 'bc-wallet-demo', window(), true);
    expect(result.status).toBe('pass');
    expect(result.evidence.traceCount).toBe(1);
    expect(result.evidence.linkedTraceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('fails when browser traces stop in the browser and the criterion asks for backend spans', async () => {
    sim = await startTempoSimulator({ apps: { 'traction-tenant-ui': 'browser-only' } });
    const strict = await probeTempo(upstream(), 'traction-tenant-ui', window(), true);
    expect(strict.status).toBe('fail');
    expect(strict.message).toContain('none of the newest 1 has a backend span');
    expect((await probeTempo(upstream(), 'traction-tenant-ui', window(), false)).status).toBe('pass');
  });

  it('matches the app exactly (TraceQL), not by substring like the tags search', async () => {
    sim = await startTempoSimulator({ apps: { 'bc-wallet-demo-v2': 'linked' } });
    expect((await probeTempo(upstream(), 'bc-wallet-demo', window(), false)).status).toBe('fail');
    const tags = await fetch(`${sim.url}/api/search?tags=service.name=bc-wallet-demo`);
    expect(((await tags.json()) as { traces: unknown[] }).traces).toHaveLength(1);
  });

  it('errors on a 5xx and on a hang', async () => {
    sim = await startTempoSimulator({ apps: { 'bc-wallet-demo': 'linked' } });
    sim.control.fault({ kind: 'status', status: 500, body: 'internal error\n' });
    expect((await probeTempo(upstream(), 'bc-wallet-demo', window(), true)).message).toContain(
      'Tempo answered 500: internal error',
    );
    sim.control.fault({ kind: 'hang' });
    expect((await probeTempo(upstream(200), 'bc-wallet-demo', window(), true)).message).toContain(
      'did not answer within 200ms',
    );
  });

  it('answers a broken TraceQL query with a text/plain 400 as recorded', async () => {
    sim = await startTempoSimulator();
    const rec = recording('tempo/search-traceql-bad-query.json');
    const response = await fetch(`${sim.url}/api/search?${new URLSearchParams(rec.request.query)}`);
    expect([response.status, await response.text()]).toEqual([400, rec.response.body]);
  });
});

/** A small local Tempo whose search results and traces each test sets. */
describe('probeTempo, decision by decision', () => {
  let server: RunningSimulator | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  const browser = { key: 'telemetry.sdk.language', value: { stringValue: 'webjs' } };
  const node = { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } };
  const span = { spanId: 'a', name: 'GET /' };
  /** A v2 trace reply: one resource per attribute list, each with `spans` spans. */
  const trace = (...resources: Array<{ attributes?: unknown[]; spans?: number }>) => ({
    trace: {
      resourceSpans: resources.map((r) => ({
        resource: r.attributes ? { attributes: r.attributes } : undefined,
        scopeSpans: [{ spans: Array.from({ length: r.spans ?? 1 }, () => span) }],
      })),
    },
  });
  const BROWSER_ONLY = trace({ attributes: [browser] });
  const LINKED = trace({ attributes: [browser] }, { attributes: [node] });
  const started = (i: number) => String(BigInt(Date.UTC(2026, 10, 30, 12, 0, i)) * 1_000_000n);
  const tempo = async (traces: Record<string, unknown>, search?: SimResponse) => {
    const ids = Object.keys(traces);
    server = await serveSimulator('tempo', (r) => {
      if (r.path === '/api/search')
        return search ?? json(200, { traces: ids.map((traceID, i) => ({ traceID, startTimeUnixNano: started(i) })) });
      const id = decodeURIComponent(r.path.replace('/api/v2/traces/', ''));
      const t = traces[id];
      return t === undefined ? json(200, { trace: {} }) : typeof t === 'string' ? text(200, t) : (t as SimResponse);
    });
    return { name: 'Tempo', envPrefix: 'TEMPO', url: server.url, timeoutMs: 2000 } satisfies Upstream;
  };
  const ok = (body: unknown) => json(200, body);
  const window = { start: Date.UTC(2026, 10, 30, 11, 45, 0, 500), end: Date.UTC(2026, 10, 30, 12, 0, 0, 500) };

  it('searches the window (rounded outwards) for the app’s exact service.name, up to 20 traces', async () => {
    const upstream = await tempo({ t1: ok(LINKED) });
    const result = await probeTempo(upstream, 'bc-wallet "demo"', window, true);
    const [search] = server!.requests;
    expect([search.path, ...['q', 'start', 'end', 'limit'].map((k) => search.query.get(k))]).toEqual([
      '/api/search',
      '{resource.service.name="bc-wallet \\"demo\\""}',
      String(Math.floor(window.start / 1000)),
      String(Math.ceil(window.end / 1000)),
      '20',
    ]);
    expect(result).toEqual({
      status: 'pass',
      message: '1 browser trace, linked to backend spans',
      evidence: {
        query: '{resource.service.name="bc-wallet \\"demo\\""}',
        traceCount: 1,
        traces: [
          {
            traceID: 't1',
            rootServiceName: null,
            rootTraceName: null,
            startedAt: '2026-11-30T12:00:00.000Z',
            linkedToBackend: true,
          },
        ],
        linkedTraceId: 't1',
      },
    });
  });

  it('opens the newest traces first and stops at the first with a backend span', async () => {
    const upstream = await tempo({ old: ok(LINKED), 'mid/1': ok(LINKED), newest: ok(BROWSER_ONLY) });
    const result = await probeTempo(upstream, 'app', window, true);
    expect(server!.requests.slice(1).map((r) => r.path)).toEqual(['/api/v2/traces/newest', '/api/v2/traces/mid%2F1']);
    expect(result).toMatchObject({ status: 'pass', message: '3 browser traces, linked to backend spans' });
    expect(result.evidence.linkedTraceId).toBe('mid/1');
    expect(result.evidence.traces.map((t) => [t.traceID, t.linkedToBackend])).toEqual([
      ['newest', false],
      ['mid/1', true],
      ['old', null],
    ]);
  });

  it('opens at most five traces; without a backend span it fails when one is required, and passes when not', async () => {
    const seven = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`t${i}`, ok(BROWSER_ONLY)]));
    const upstream = await tempo(seven);
    const strict = await probeTempo(upstream, 'app', window, true);
    expect(server!.requests.filter((r) => r.path.startsWith('/api/v2/traces/'))).toHaveLength(5);
    expect(strict).toMatchObject({
      status: 'fail',
      message:
        '7 browser traces, but none of the newest 5 has a backend span: check that the backend is traced and ' +
        'that Faro propagates traceparent to it.',
      evidence: { linkedTraceId: null, traceCount: 7 },
    });
    expect(await probeTempo(upstream, 'app', window, false)).toMatchObject({
      status: 'pass',
      message: '7 browser traces (no backend span required)',
    });
  });

  it('fails when Tempo is up but has no trace of the app', async () => {
    const upstream = await tempo({});
    expect(await probeTempo(upstream, 'app', window, false)).toMatchObject({
      status: 'fail',
      message:
        'Tempo is up but has no traces for service.name "app" in the window: check Faro\'s ' +
        "TracingInstrumentation and Alloy's traces output.",
      evidence: { traceCount: 0, traces: [] },
    });
  });

  it('errors on a failed or malformed search or trace, unreachable only when Tempo did not answer', async () => {
    const check = async (traces: Record<string, unknown>, search?: SimResponse) => {
      const result = await probeTempo(await tempo(traces, search), 'app', window, true);
      await server!.stop();
      server = undefined;
      return {
        status: result.status,
        message: result.message,
        unreachable: result.unreachable,
        evidence: result.evidence,
      };
    };
    expect(await check({}, text(500, 'boom'))).toEqual({
      evidence: { query: '{resource.service.name="app"}', traceCount: 0, traces: [], linkedTraceId: null },
      status: 'error',
      message: 'Tempo answered 500: boom. Tempo itself is failing; look at its logs.',
      unreachable: false,
    });
    expect(await check({}, json(200, { traces: 'x' }))).toMatchObject({ status: 'error', unreachable: undefined });
    expect(await check({ t1: text(404, 'trace not found') })).toMatchObject({
      status: 'error',
      message: 'Tempo answered 404: trace not found. Check that TEMPO_URL points at Tempo itself (no extra path).',
      unreachable: false,
    });
    expect(await check({ t1: '<html>' })).toMatchObject({
      status: 'error',
      message: 'Tempo sent a reply that is not JSON (<html>): is the URL pointing at Tempo?',
      unreachable: undefined,
    });
    const upstream = await tempo({});
    await server!.stop();
    server = undefined;
    expect(await probeTempo(upstream, 'app', window, true)).toMatchObject({ status: 'error', unreachable: true });
  });

  it('errors as unreachable when a trace read times out', async () => {
    const upstream = await tempo({ t1: { status: 200, hang: true } });
    expect(await probeTempo({ ...upstream, timeoutMs: 200 }, 'app', window, true)).toMatchObject({
      status: 'error',
      message: expect.stringContaining('did not answer within 200ms'),
      unreachable: true,
    });
  });
});

describe('Tempo reply parsers, case by case', () => {
  const has = (resourceSpans: unknown[]) => parseHasBackendSpan(JSON.stringify({ trace: { resourceSpans } }));
  const spans = [{ spans: [{ spanId: 'a' }] }];

  it('counts a span from any resource that is not the browser’s as a backend span', () => {
    expect(has([{ scopeSpans: spans }])).toEqual({ ok: true, value: true });
    expect(
      has([{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }, scopeSpans: spans }]),
    ).toEqual({ ok: true, value: true });
    const webjs = { key: 'telemetry.sdk.language', value: { stringValue: 'webjs' } };
    expect(has([{ resource: { attributes: [webjs] }, scopeSpans: spans }])).toEqual({ ok: true, value: false });
    const browserName = { key: 'browser.name', value: { stringValue: 'Chrome' } };
    expect(has([{ resource: { attributes: [browserName] }, scopeSpans: spans }])).toEqual({ ok: true, value: false });
    const python = { key: 'telemetry.sdk.language', value: { stringValue: 'python' } };
    expect(has([{ resource: { attributes: [python] }, scopeSpans: spans }])).toEqual({ ok: true, value: true });
    // A backend resource without spans links nothing.
    expect(has([{ resource: { attributes: [python] }, scopeSpans: [{ spans: [] }, {}] }, { resource: {} }])).toEqual({
      ok: true,
      value: false,
    });
    expect(parseHasBackendSpan('{}')).toEqual({ ok: true, value: false });
    expect(parseHasBackendSpan('{"trace":{"resourceSpans":3}}')).toEqual({
      ok: false,
      message:
        "Tempo's trace reply has an unexpected shape (Invalid input: expected array, received number): " +
        'is TEMPO_URL a Tempo server?',
    });
    // Only the SDK language says "browser": a service that happens to be called webjs is a backend.
    const named = { key: 'service.name', value: { stringValue: 'webjs' } };
    expect(has([{ resource: { attributes: [named] }, scopeSpans: spans }])).toEqual({ ok: true, value: true });
  });

  it('keeps a search result’s root service and name, and lists results without a start last', () => {
    const parsed = parseSearchTraces(
      JSON.stringify({
        traces: [
          { traceID: 'none' },
          { traceID: 'older', startTimeUnixNano: '1764500000000000000', rootServiceName: 'web', rootTraceName: 'GET' },
          { traceID: 'none either' },
          { traceID: 'newer', startTimeUnixNano: '1764500001000000000' },
        ],
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: [
        { traceID: 'newer', rootServiceName: null, rootTraceName: null, startedAt: '2025-11-30T10:53:21.000Z' },
        { traceID: 'older', rootServiceName: 'web', rootTraceName: 'GET', startedAt: '2025-11-30T10:53:20.000Z' },
        { traceID: 'none', rootServiceName: null, rootTraceName: null, startedAt: null },
        { traceID: 'none either', rootServiceName: null, rootTraceName: null, startedAt: null },
      ],
    });
    expect(parseSearchTraces('{}')).toEqual({ ok: true, value: [] });
    expect(parseSearchTraces('{"traces":[{}]}')).toEqual({
      ok: false,
      message:
        "Tempo's search reply has an unexpected shape (Invalid input: expected string, received undefined): " +
        'is TEMPO_URL a Tempo server?',
    });
  });
});
