import { afterEach, describe, expect, it } from 'vitest';
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
