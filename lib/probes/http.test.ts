import { afterEach, describe, expect, it } from 'vitest';
import { serveSimulator, text, type RunningSimulator } from '@/simulators/http';
import { upstreamRequest, type Upstream } from './http';

let server: RunningSimulator | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const upstream = (url: string, extra: Partial<Upstream> = {}): Upstream => ({
  name: 'Loki',
  envPrefix: 'LOKI',
  url,
  timeoutMs: 5000,
  ...extra,
});

describe('upstreamRequest', () => {
  it('sends basic auth and the tenant as X-Scope-OrgID, or a bearer token instead', async () => {
    server = await serveSimulator('echo', () => text(200, 'ok'));
    await upstreamRequest(upstream(server.url, { username: 'u', password: 'p', tenant: 'team-a' }), { path: '/ready' });
    await upstreamRequest(upstream(server.url, { token: 't0k' }), { path: '/ready' });
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(server.requests[0].headers['x-scope-orgid']).toBe('team-a');
    expect(server.requests[1].headers.authorization).toBe('Bearer t0k');
    expect(server.requests[1].headers['x-scope-orgid']).toBeUndefined();
  });

  it('says which variables to check on a 401, without the credentials', async () => {
    server = await serveSimulator('auth', () => text(401, 'no org id\n'));
    const reply = await upstreamRequest(upstream(server.url, { password: 'hunter2' }), { path: '/x' });
    expect(reply).toMatchObject({ ok: false, status: 401 });
    const message = (reply as { message: string }).message;
    expect(message).toContain('LOKI_TENANT');
    expect(message).toContain('no org id');
    expect(message).not.toContain('hunter2');
  });

  it('gives up on a hung upstream after its timeout and says so', async () => {
    server = await serveSimulator('hung', () => ({ status: 200, hang: true }));
    const started = Date.now();
    const reply = await upstreamRequest(upstream(server.url, { timeoutMs: 300 }), { path: '/x' });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(reply.ok).toBe(false);
    expect((reply as { message: string }).message).toContain('did not answer within 300ms (PROBE_TIMEOUT)');
  });

  it('reports an upstream that is down as unreachable, naming the URL variable', async () => {
    server = await serveSimulator('gone', () => text(200, 'ok'));
    const url = server.url;
    await server.stop();
    server = undefined;
    const reply = await upstreamRequest(upstream(url), { path: '/x' });
    expect((reply as { message: string }).message).toMatch(
      /Cannot reach Loki at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): check LOKI_URL/,
    );
  });
});
