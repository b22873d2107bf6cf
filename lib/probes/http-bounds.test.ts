import { afterEach, describe, expect, it } from 'vitest';
import { type HostileUpstream, startHostileUpstream } from '@/test/hostile-upstream';
import { upstreamRequest, type Upstream } from './http';

let server: HostileUpstream | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const loki = (url: string, extra: Partial<Upstream> = {}): Upstream => ({
  name: 'Loki',
  envPrefix: 'LOKI',
  url,
  timeoutMs: 3_000,
  maxBytes: 1024 * 1024,
  ...extra,
});

describe('upstreamRequest bounds', () => {
  it('stops reading a 50 MB Loki reply at the cap, at once, and names Loki and the setting', async () => {
    server = await startHostileUpstream({ kind: 'flood', bytes: 50 * 1024 * 1024 });
    const started = Date.now();
    const reply = await upstreamRequest(loki(server.url), { path: '/loki/api/v1/query_range' });
    // Far under PROBE_TIMEOUT: the cap ends it, not the clock (it took 18.6 s with a 3 s timeout before).
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(reply).toMatchObject({ ok: false, status: null });
    expect((reply as { message: string }).message).toBe(
      `Loki at ${server.url} sent more than the board reads (the reply is larger than 1 MB, so reading stopped ` +
        `there; PROBE_MAX_REPLY_BYTES): narrow the query, or check that LOKI_URL points at Loki.`,
    );
  });

  it('aborts a reply whose body stops coming at PROBE_TIMEOUT (plus a small margin)', async () => {
    server = await startHostileUpstream({ kind: 'stall-body' });
    const started = Date.now();
    const reply = await upstreamRequest(loki(server.url, { timeoutMs: 400 }), { path: '/loki/api/v1/query_range' });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(400 + 1_000);
    expect((reply as { message: string }).message).toMatch(/^Loki at .* did not answer within 400ms \(PROBE_TIMEOUT\)/);
  });

  it('never shows credentials written into the URL', async () => {
    server = await startHostileUpstream({ kind: 'stall-body' });
    const withCredentials = server.url.replace('http://', 'http://board:hunter2@');
    const reply = await upstreamRequest(loki(withCredentials, { timeoutMs: 200 }), { path: '/x' });
    expect((reply as { message: string }).message).not.toContain('hunter2');
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('board:hunter2').toString('base64')}`);
  });
});
