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

  it('quotes a Connect error’s code and message from a JSON error reply, and the raw body when it has no message', async () => {
    const replies = [
      '{"code":"invalid_argument","message":"bad label selector"}',
      '{"code":3,"message":"bad step"}',
      '{"error":"x"}',
      'null',
    ];
    server = await serveSimulator('connect', () =>
      text(400, replies.shift() ?? '', { 'content-type': 'application/json' }),
    );
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) {
      const reply = await upstreamRequest(upstream(server.url), { path: '/x' });
      messages.push(reply.ok ? '' : reply.message);
    }
    expect(messages).toEqual([
      'Loki answered 400: invalid_argument: bad label selector.',
      'Loki answered 400: bad step.',
      'Loki answered 400: {"error":"x"}.',
      'Loki answered 400: null.',
    ]);
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
