import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaroReceiverSimulator, type FaroReceiverSimulator } from '@/simulators/faro-receiver';
import { serveSimulator, text, type RunningSimulator } from '@/simulators/http';
import { recording } from '@/simulators/recordings';
import { forwardedFor, handleFaroRequest, type FaroProxySettings } from './proxy';
import { ClientRateLimiter } from './rate-limit';
import { FaroProxyStats } from './stats';

// A real payload the Faro Web SDK 2.12.1 sent (session start, web vitals), and one with a trace.
const SESSION_PAYLOAD = JSON.stringify(recording('faro/sdk-bc-wallet-demo-1-session-start-ttfb-fcp.json').request.body);
const TRACE_PAYLOAD = JSON.stringify(recording('faro/sdk-bc-wallet-demo-4-trace.json').request.body);

let receiver: FaroReceiverSimulator;
let other: RunningSimulator | undefined;
let stats: FaroProxyStats;

beforeEach(async () => {
  receiver = await startFaroReceiverSimulator();
  stats = new FaroProxyStats();
});
afterEach(async () => {
  await receiver.stop();
  await other?.stop();
  other = undefined;
});

const settings = (overrides: Partial<FaroProxySettings> = {}): FaroProxySettings => ({
  enabled: true,
  upstreamUrl: `${receiver.url}/collect`,
  maxBodyBytes: 64 * 1024,
  upstreamTimeoutMs: 2_000,
  ...overrides,
});

function send(
  init: RequestInit & { headers?: Record<string, string> },
  options: { settings?: Partial<FaroProxySettings>; limiter?: ClientRateLimiter; clientAddress?: string } = {},
) {
  const request = new Request('http://board.test/faro', { method: 'POST', duplex: 'half', ...init } as RequestInit);
  return handleFaroRequest(request, {
    settings: settings(options.settings),
    limiter: options.limiter ?? new ClientRateLimiter(100, 100),
    stats,
    clientAddress: options.clientAddress,
  });
}

const json = { 'content-type': 'application/json' };

describe('POST /faro proxy', () => {
  it('forwards the raw body and answers with the receiver status', async () => {
    const response = await send({ headers: json, body: SESSION_PAYLOAD });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('ok');
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.requests[0].body.toString('utf8')).toBe(SESSION_PAYLOAD);
    expect(stats.view().lastUpstream).toMatchObject({ status: 202, error: null });
    expect(stats.view().accepted.measurements).toBeGreaterThan(0);
    expect(stats.view().recentSessionIds).toEqual(['tu1vn8rvcK']);
    // The bytes /metrics reports (rollout_faro_proxy_bytes_total): read from the browser, sent on.
    const size = Buffer.byteLength(SESSION_PAYLOAD);
    expect(stats.view().bytes).toEqual({ received: size, forwarded: size });
    expect(stats.view().answered).toEqual({ 202: 1 });
  });

  it('forwards only the allow-listed headers, adds the API key server-side and sets X-Forwarded-For', async () => {
    await send(
      {
        headers: {
          ...json,
          cookie: 'session=secret-cookie',
          authorization: 'Bearer browser-token',
          'x-faro-session-id': 'tu1vn8rvcK',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          'idempotency-key': 'Y2zxY8WLWdYsJUm4t5xq',
          'x-api-key': 'browser-supplied-key',
          'x-forwarded-for': '203.0.113.7',
        },
        body: SESSION_PAYLOAD,
      },
      { settings: { apiKey: 'server-side-key' }, clientAddress: '10.0.0.5' },
    );
    const upstream = receiver.requests[0].headers;
    expect(upstream.cookie).toBeUndefined();
    expect(upstream.authorization).toBeUndefined();
    expect(upstream['idempotency-key']).toBeUndefined();
    expect(upstream['x-api-key']).toBe('server-side-key');
    expect(upstream['x-faro-session-id']).toBe('tu1vn8rvcK');
    expect(upstream.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(upstream['x-forwarded-for']).toBe('203.0.113.7, 10.0.0.5');
    expect(upstream['content-type']).toBe('application/json');
  });

  it('never forwards a browser-supplied X-API-Key when no key is configured', async () => {
    await send({ headers: { ...json, 'x-api-key': 'from-the-browser' }, body: SESSION_PAYLOAD });
    expect(receiver.requests[0].headers['x-api-key']).toBeUndefined();
  });

  it('passes a gzip body through untouched with its Content-Encoding', async () => {
    const response = await send({ headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(TRACE_PAYLOAD) });
    expect(response.status).toBe(202);
    expect(receiver.requests[0].headers['content-encoding']).toBe('gzip');
    expect(stats.view().accepted.spans).toBeGreaterThan(0);
    expect(stats.view().recentTraceIds[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers 413 on a declared oversize body without forwarding anything', async () => {
    const big = JSON.stringify({ logs: [{ message: 'x'.repeat(70 * 1024) }] });
    const response = await send({ headers: json, body: big });
    expect(response.status).toBe(413);
    expect(receiver.requests).toHaveLength(0);
    expect(stats.view().bytes).toEqual({ received: 0, forwarded: 0 });
  });

  it('answers 413 on a chunked oversize body with no Content-Length, counting the bytes streamed', async () => {
    let produced = 0;
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= 10 * 1024 * 1024) return controller.close();
        produced += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await send({ headers: json, body });
    expect(response.status).toBe(413);
    expect(receiver.requests).toHaveLength(0);
    // It stopped reading just past the limit instead of draining 10 MiB.
    expect(produced).toBeLessThan(200 * 1024);
  });

  it('lets a chunked body under the limit through', async () => {
    const response = await send({ headers: json, body: new Blob([SESSION_PAYLOAD]).stream() });
    expect(response.status).toBe(202);
    expect(receiver.requests[0].headers['content-length']).toBe(String(Buffer.byteLength(SESSION_PAYLOAD)));
  });

  it('answers 429 with Retry-After once a client has used its burst, and keeps other clients going', async () => {
    const limiter = new ClientRateLimiter(1, 2);
    const from = (address: string) =>
      send({ headers: json, body: SESSION_PAYLOAD }, { limiter, clientAddress: address });
    expect((await from('10.0.0.1')).status).toBe(202);
    expect((await from('10.0.0.1')).status).toBe(202);
    const limited = await from('10.0.0.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await from('10.0.0.2')).status).toBe(202);
    expect(receiver.requests).toHaveLength(3);
  });

  it('answers 415 to a body that is not declared as JSON', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await send({ headers: { 'content-type': contentType }, body: SESSION_PAYLOAD });
      expect(response.status).toBe(415);
    }
    const none = await send({ body: new Uint8Array(Buffer.from(SESSION_PAYLOAD)) });
    expect(none.status).toBe(415);
    expect(receiver.requests).toHaveLength(0);
  });

  it('answers 502 when the receiver is unreachable', async () => {
    await receiver.stop();
    const response = await send({ headers: json, body: SESSION_PAYLOAD });
    expect(response.status).toBe(502);
    expect((await response.json()).error).toContain('FARO_UPSTREAM_URL');
    expect(stats.view().lastUpstream).toMatchObject({ status: null });
  });

  it('answers 504 within the timeout when the receiver hangs', async () => {
    receiver.control.delay('hang');
    const started = Date.now();
    const response = await send({ headers: json, body: SESSION_PAYLOAD }, { settings: { upstreamTimeoutMs: 300 } });
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers 504 when the receiver is slower than the timeout', async () => {
    receiver.control.delay(1_000);
    const response = await send({ headers: json, body: SESSION_PAYLOAD }, { settings: { upstreamTimeoutMs: 200 } });
    expect(response.status).toBe(504);
  });

  it('answers 405 with Allow: POST to any other method', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await handleFaroRequest(new Request('http://board.test/faro', { method }), {
        settings: settings(),
        limiter: new ClientRateLimiter(100, 100),
        stats,
      });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('answers 404 when Faro is disabled, forwarding nothing', async () => {
    const response = await send({ headers: json, body: SESSION_PAYLOAD }, { settings: { enabled: false } });
    expect(response.status).toBe(404);
    expect(receiver.requests).toHaveLength(0);
  });

  it("passes the receiver's errors through (400 for a bad payload, 503 when it fails)", async () => {
    const bad = await send({ headers: json, body: '{"logs": {}}' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('cannot unmarshal object');
    receiver.control.failWith(503);
    expect((await send({ headers: json, body: SESSION_PAYLOAD })).status).toBe(503);
    expect(stats.view().lastUpstream?.status).toBe(503);
  });

  it('returns the upstream Retry-After and X-Faro-Session-Status the SDK acts on', async () => {
    // Alloy itself never sends these; a gateway in front of it (e.g. a hosted collector) does.
    let answer = { status: 429, headers: { 'retry-after': '7' } as Record<string, string> };
    other = await serveSimulator('collector-gateway', () => text(answer.status, 'slow down', answer.headers));
    const limited = await send(
      { headers: json, body: SESSION_PAYLOAD },
      { settings: { upstreamUrl: `${other.url}/collect` } },
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    answer = { status: 202, headers: { 'x-faro-session-status': 'invalid' } };
    const accepted = await send(
      { headers: json, body: SESSION_PAYLOAD },
      { settings: { upstreamUrl: `${other.url}/collect` } },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('x-faro-session-status')).toBe('invalid');
  });

  it('passes on a receiver answer over 64 KiB cut at 64 KiB, with its status', async () => {
    const long = `${'a'.repeat(64 * 1024)}${'b'.repeat(1024 * 1024)}`;
    other = await serveSimulator('collector-gateway', () => text(400, long));
    const response = await send(
      { headers: json, body: SESSION_PAYLOAD },
      { settings: { upstreamUrl: `${other.url}/collect` } },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('a'.repeat(64 * 1024));
  });
});

describe('/faro decisions (pinned)', () => {
  it('answers 413 on a declared Content-Length over the limit before reading anything', async () => {
    const response = await send({ headers: { ...json, 'content-length': String(64 * 1024 + 1) }, body: '{}' });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: `Faro payloads are limited to ${64 * 1024} bytes.` });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(receiver.requests).toHaveLength(0);
  });

  it('accepts a body of exactly the limit, declared or streamed, and says its length upstream', async () => {
    const size = Buffer.byteLength(SESSION_PAYLOAD);
    const declared = await send(
      { headers: { ...json, 'content-length': String(size) }, body: SESSION_PAYLOAD },
      { settings: { maxBodyBytes: size } },
    );
    expect(declared.status).toBe(202);
    const streamed = await send(
      { headers: json, body: new Blob([SESSION_PAYLOAD]).stream() },
      { settings: { maxBodyBytes: size } },
    );
    expect(streamed.status).toBe(202);
    expect(receiver.requests[1].headers['content-length']).toBe(String(size));
    expect(receiver.requests[1].headers.traceparent).toBeUndefined();
    expect(receiver.requests[1].headers['content-encoding']).toBeUndefined();
  });

  it('an empty POST is forwarded as empty (the receiver judges it), not refused as too large', async () => {
    const response = await send({ headers: json });
    expect(response.status).toBe(400);
    expect(receiver.requests).toHaveLength(1);
  });

  it('takes only application/json as the whole media type', async () => {
    expect((await send({ headers: { 'content-type': 'text/plain; x=application/json' }, body: '{}' })).status).toBe(
      415,
    );
    expect((await send({ headers: { 'content-type': 'application/jsonx' }, body: '{}' })).status).toBe(415);
    const refused = await send({ headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(await refused.json()).toEqual({ error: 'Faro payloads must be sent as Content-Type: application/json.' });
    expect(
      (await send({ headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body: SESSION_PAYLOAD })).status,
    ).toBe(202);
  });

  it('tells the SDK and the operator what each refusal means', async () => {
    const off = await send({ headers: json, body: '{}' }, { settings: { enabled: false } });
    expect(await off.json()).toEqual({
      error: 'Faro collection is not enabled on this board (set FARO_ENABLED and FARO_PROXY_ENABLED).',
    });
    const get = await handleFaroRequest(new Request('http://board.test/faro'), {
      settings: settings(),
      limiter: new ClientRateLimiter(100, 100),
      stats,
    });
    expect(await get.json()).toEqual({ error: 'Only POST is accepted: this is the Faro Web SDK collector endpoint.' });
    const limiter = new ClientRateLimiter(1, 1);
    await send({ headers: json, body: SESSION_PAYLOAD }, { limiter, clientAddress: '198.51.100.1' });
    const limited = await send({ headers: json, body: SESSION_PAYLOAD }, { limiter, clientAddress: '198.51.100.1' });
    expect(await limited.json()).toEqual({ error: 'Too many Faro payloads from this client; retry later.' });
  });

  it('records a receiver timeout with its limit and a real duration', async () => {
    receiver.control.delay('hang');
    const response = await send({ headers: json, body: SESSION_PAYLOAD }, { settings: { upstreamTimeoutMs: 200 } });
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ error: 'The Faro receiver did not answer within 200 ms.' });
    const last = stats.view().lastUpstream;
    expect(last).toMatchObject({ status: null, error: 'no answer within 200 ms' });
    expect(last?.durationMs).toBeGreaterThanOrEqual(150);
    expect(last?.durationMs).toBeLessThan(10_000);
    receiver.control.delay(null);
  });

  it('X-Forwarded-For keeps the hops it got, trimmed, and appends the peer only when it is not already last', () => {
    const headers = (value?: string) => new Headers(value === undefined ? {} : { 'x-forwarded-for': value });
    expect(forwardedFor(headers(' 203.0.113.7 , 10.0.0.1 '), '10.0.0.2')).toBe('203.0.113.7, 10.0.0.1, 10.0.0.2');
    expect(forwardedFor(headers('203.0.113.7, 10.0.0.2'), '10.0.0.2')).toBe('203.0.113.7, 10.0.0.2');
    expect(forwardedFor(headers(), '10.0.0.2')).toBe('10.0.0.2');
    expect(forwardedFor(headers('203.0.113.7'))).toBe('203.0.113.7');
    expect(forwardedFor(headers())).toBeUndefined();
  });
});

describe('POST /faro proxy over a kept-alive connection', () => {
  it('counts only payloads the receiver accepted (2xx) in the board’s Faro stats', async () => {
    let status = 503;
    other = await serveSimulator('collector-gateway', () => text(status, 'answer'));
    const upstreamUrl = `${other.url}/collect`;
    for (const refused of [503, 400, 300]) {
      status = refused;
      expect((await send({ headers: json, body: SESSION_PAYLOAD }, { settings: { upstreamUrl } })).status).toBe(
        refused,
      );
    }
    expect(stats.view().accepted.measurements).toBe(0);
    expect(stats.view().recentSessionIds).toEqual([]);
    status = 200;
    await send({ headers: json, body: SESSION_PAYLOAD }, { settings: { upstreamUrl } });
    expect(stats.view().accepted.measurements).toBeGreaterThan(0);
    expect(stats.view().recentSessionIds).toEqual(['tu1vn8rvcK']);
  });

  it('answers the browser uncached, with only the receiver headers it passes on', async () => {
    const response = await send({ headers: json, body: SESSION_PAYLOAD });
    expect(response.headers.get('cache-control')).toBe('no-store');
    // The receiver sent no Retry-After or session status: none is made up.
    expect(response.headers.get('retry-after')).toBeNull();
    expect(response.headers.get('x-faro-session-status')).toBeNull();
  });

  it('passes a 204 on with no body', async () => {
    other = await serveSimulator('collector-gateway', () => ({ status: 204 }));
    const response = await send(
      { headers: json, body: SESSION_PAYLOAD },
      { settings: { upstreamUrl: `${other.url}/collect` } },
    );
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('answers 502 when the receiver drops the connection mid-answer, and 504 when it stalls mid-answer', async () => {
    const { createServer } = await import('node:http');
    let stall = false;
    const server = createServer((_request, response) => {
      response.writeHead(202, { 'content-type': 'text/plain', 'content-length': '100' });
      response.write('partial');
      if (!stall) setTimeout(() => response.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const upstreamUrl = `http://127.0.0.1:${port}/collect`;
      const dropped = await send({ headers: json, body: SESSION_PAYLOAD }, { settings: { upstreamUrl } });
      expect(dropped.status).toBe(502);
      expect(stats.view().lastUpstream).toMatchObject({
        status: null,
        error: 'the receiver closed the connection mid-answer',
      });
      stall = true;
      const stalled = await send(
        { headers: json, body: SESSION_PAYLOAD },
        { settings: { upstreamUrl, upstreamTimeoutMs: 300 } },
      );
      expect(stalled.status).toBe(504);
      expect(stats.view().lastUpstream).toMatchObject({ status: null, error: 'no answer within 300 ms' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('retries once on a new connection when the receiver closed the reused one, instead of answering 502', async () => {
    // A receiver that drops a connection's second request unanswered, as a server does when its idle
    // timeout closes the connection just as the proxy reuses it (the 502 seen under load in e2e).
    const { createServer } = await import('node:http');
    const answered: string[] = [];
    const server = createServer((request, response) => {
      const socket = request.socket as typeof request.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served > 1) {
        socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        answered.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(202, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const upstreamUrl = `http://127.0.0.1:${port}/collect`;
      const first = await send({ headers: json, body: SESSION_PAYLOAD }, { settings: { upstreamUrl } });
      const second = await send({ headers: json, body: TRACE_PAYLOAD }, { settings: { upstreamUrl } });
      expect([first.status, second.status]).toEqual([202, 202]);
      // Each payload reached the receiver once: the dropped attempt had not been read.
      expect(answered).toEqual([SESSION_PAYLOAD, TRACE_PAYLOAD]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
