import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '@/lib/config/env';
import { json, serveSimulator, text, type RunningSimulator } from '@/simulators/http';
import { parseJsonReply, parseReply, upstreamFromConfig, upstreamRequest, type Upstream } from './http';

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

describe('upstreamRequest: what goes on the wire', () => {
  it('sends a GET with no body and asks for JSON, or POSTs the JSON body with its content type', async () => {
    server = await serveSimulator('wire', () => text(200, 'ok'));
    await upstreamRequest(upstream(server.url), { path: '/loki/api/v1/labels', query: { start: 1, q: '{a="b"}' } });
    await upstreamRequest(upstream(server.url), { path: '/querier.v1.QuerierService/Series', json: { matchers: [] } });
    await upstreamRequest(upstream(server.url), { method: 'POST', path: '/x' });
    const [get, post, bare] = server.requests;
    expect([get.method, get.path, get.query.get('start'), get.query.get('q')]).toEqual([
      'GET',
      '/loki/api/v1/labels',
      '1',
      '{a="b"}',
    ]);
    expect(get.headers.accept).toBe('application/json');
    expect(get.headers['content-type']).toBeUndefined();
    expect(get.body.length).toBe(0);
    expect([post.method, post.headers['content-type'], post.body.toString()]).toEqual([
      'POST',
      'application/json',
      '{"matchers":[]}',
    ]);
    expect([bare.method, bare.headers['content-type'], bare.body.length]).toEqual(['POST', undefined, 0]);
  });

  it('lets a request ask for another reply type (Pyroscope /ready is text)', async () => {
    server = await serveSimulator('accept', () => text(200, 'ready'));
    await upstreamRequest(upstream(server.url), { path: '/ready', headers: { accept: 'text/plain' } });
    expect(server.requests[0].headers.accept).toBe('text/plain');
  });

  it('keeps the path of a base URL behind a proxy, with or without its trailing slash and the path’s leading one', async () => {
    server = await serveSimulator('prefix', () => text(200, 'ok'));
    await upstreamRequest(upstream(`${server.url}/pyroscope`), { path: '/ready' });
    await upstreamRequest(upstream(`${server.url}/pyroscope/`), { path: '/ready' });
    await upstreamRequest(upstream(`${server.url}/pyroscope`), { path: 'api/v1/x' });
    expect(server.requests.map((r) => r.path)).toEqual(['/pyroscope/ready', '/pyroscope/ready', '/pyroscope/api/v1/x']);
  });

  it('sends no authorization without credentials, and basic auth from a username or a password alone', async () => {
    server = await serveSimulator('auth-parts', () => text(200, 'ok'));
    await upstreamRequest(upstream(server.url), { path: '/a' });
    await upstreamRequest(upstream(server.url, { username: 'board' }), { path: '/b' });
    await upstreamRequest(upstream(server.url, { password: 's3cret' }), { path: '/c' });
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([undefined, basic('board:'), basic(':s3cret')]);
  });

  it('moves URL credentials into the header (decoded, a password alone too), unless a token or a username is set', async () => {
    server = await serveSimulator('url-auth', () => text(200, 'ok'));
    const at = (userinfo: string) => server!.url.replace('http://', `http://${userinfo}@`);
    await upstreamRequest(upstream(at('board:p%40ss')), { path: '/a' });
    await upstreamRequest(upstream(at(':only-password')), { path: '/b' });
    await upstreamRequest(upstream(at('board:p%40ss'), { token: 't0k' }), { path: '/c' });
    await upstreamRequest(upstream(at('board:p%40ss'), { username: 'other', password: 'x' }), { path: '/d' });
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      basic('board:p@ss'),
      basic(':only-password'),
      'Bearer t0k',
      basic('other:x'),
    ]);
  });
});

describe('upstreamRequest: replies and their messages', () => {
  const messageFor = async (status: number, body: string, contentType = 'text/plain') => {
    server = await serveSimulator('status', () => text(status, body, { 'content-type': contentType }));
    const reply = await upstreamRequest(upstream(server.url), { path: '/x' });
    await server.stop();
    server = undefined;
    return reply.ok ? `ok ${reply.status}` : reply.message;
  };

  it('hands back a 2xx body with its content type, and treats anything from 300 on as a failure', async () => {
    server = await serveSimulator('ok', (r) =>
      r.path === '/plain'
        ? { status: 200, body: 'no type' }
        : r.path === '/moved'
          ? text(300, 'choose')
          : json(299, { a: 1 }),
    );
    expect(await upstreamRequest(upstream(server.url), { path: '/json' })).toEqual({
      ok: true,
      status: 299,
      body: '{"a":1}',
      contentType: 'application/json',
    });
    expect(await upstreamRequest(upstream(server.url), { path: '/plain' })).toEqual({
      ok: true,
      status: 200,
      body: 'no type',
      contentType: '',
    });
    expect(await upstreamRequest(upstream(server.url), { path: '/moved' })).toEqual({
      ok: false,
      status: 300,
      message: 'Loki answered 300: choose.',
    });
  });

  it('says what to check for each kind of status', async () => {
    expect(await messageFor(403, 'forbidden')).toBe(
      'Loki answered 403: forbidden. Check LOKI_USERNAME/LOKI_PASSWORD or LOKI_TOKEN, and LOKI_TENANT (sent as X-Scope-OrgID).',
    );
    expect(await messageFor(404, '404 page not found\n')).toBe(
      'Loki answered 404: 404 page not found. Check that LOKI_URL points at Loki itself (no extra path).',
    );
    expect(await messageFor(500, 'boom')).toBe('Loki answered 500: boom. Loki itself is failing; look at its logs.');
    expect(await messageFor(499, 'client closed')).toBe('Loki answered 499: client closed.');
    expect(await messageFor(502, '')).toBe(
      'Loki answered 502 with an empty body. Loki itself is failing; look at its logs.',
    );
  });

  it('quotes the body on one line, cut after 300 characters', async () => {
    expect(await messageFor(400, '  parse error:\n\n   line 1  \n')).toBe('Loki answered 400: parse error: line 1.');
    expect(await messageFor(400, 'x'.repeat(300))).toBe(`Loki answered 400: ${'x'.repeat(300)}.`);
    expect(await messageFor(400, `${'y'.repeat(300)}TAIL`)).toBe(`Loki answered 400: ${'y'.repeat(300)}….`);
  });

  it('reads a Connect error only from a JSON reply, and quotes a JSON-typed reply that is not JSON as it is', async () => {
    expect(await messageFor(400, '{"code":"not_found","message":"no such tenant"}')).toBe(
      'Loki answered 400: {"code":"not_found","message":"no such tenant"}.',
    );
    expect(await messageFor(502, '<html>Bad Gateway</html>', 'application/json')).toBe(
      'Loki answered 502: <html>Bad Gateway</html>. Loki itself is failing; look at its logs.',
    );
  });

  it('names the setting and the limit when an upstream is too slow, in seconds when whole', async () => {
    server = await serveSimulator('slow', () => ({ status: 200, hang: true }));
    const reply = await upstreamRequest(upstream(server.url, { timeoutMs: 1000 }), { path: '/x' });
    expect(reply).toEqual({
      ok: false,
      status: null,
      message:
        `Loki at ${server.url} did not answer within 1s (PROBE_TIMEOUT): check that it is up and reachable ` +
        'from the board.',
    });
  });

  it('stops a request still going when the run is stopped, saying why, or that the run was cancelled', async () => {
    server = await serveSimulator('hung', () => ({ status: 200, hang: true }));
    const run = new AbortController();
    const started = Date.now();
    setTimeout(() => run.abort(new DOMException('the run did not finish within 2m', 'AbortError')), 100);
    const reply = await upstreamRequest(upstream(server.url, { timeoutMs: 10_000, signal: run.signal }), {
      path: '/x',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(reply).toEqual({
      ok: false,
      status: null,
      message: `Stopped asking Loki at ${server.url}: the run did not finish within 2m.`,
    });
    const request = new AbortController();
    setTimeout(() => request.abort(new DOMException('', 'AbortError')), 100);
    const cancelled = await upstreamRequest(upstream(server.url, { timeoutMs: 10_000 }), {
      path: '/x',
      signal: request.signal,
    });
    expect((cancelled as { message: string }).message).toBe(
      `Stopped asking Loki at ${server.url}: the run was cancelled.`,
    );
  });

  it('never throws, even when a setting cannot be sent as a header', async () => {
    server = await serveSimulator('header', () => text(200, 'ok'));
    const reply = await upstreamRequest(upstream(server.url, { tenant: 'team\na' }), { path: '/x' });
    expect(reply).toMatchObject({ ok: false, status: null });
    const message = (reply as { message: string }).message;
    expect(message.startsWith(`Cannot reach Loki at ${server.url} (`)).toBe(true);
    expect(message).toContain('is an invalid header value');
    expect(message.endsWith('): check LOKI_URL and that Loki is running.')).toBe(true);
    expect(server.requests).toHaveLength(0);
  });
});

describe('upstreamRequest: one reply per identical read in a run', () => {
  it('sends an identical read once per run, and a different one, or one with its own signal, again', async () => {
    let n = 0;
    server = await serveSimulator('dedupe', () => text(200, `reply ${++n}`));
    const run = upstream(server.url, { runReplies: new Map() });
    const read = { path: '/api/search', query: { q: '{}', start: 1 } };
    const [a, b] = await Promise.all([upstreamRequest(run, read), upstreamRequest(run, { ...read })]);
    expect([a, b].map((r) => r.ok && r.body)).toEqual(['reply 1', 'reply 1']);
    const other = await upstreamRequest(run, { ...read, query: { q: '{}', start: 2 } });
    expect(other.ok && other.body).toBe('reply 2');
    const own = await upstreamRequest(run, { ...read, signal: new AbortController().signal });
    expect(own.ok && own.body).toBe('reply 3');
    const withoutRun = await upstreamRequest(upstream(server.url), read);
    expect(withoutRun.ok && withoutRun.body).toBe('reply 4');
    expect(server.requests).toHaveLength(4);
  });
});

describe('upstreamFromConfig', () => {
  it('reads one upstream’s URL, credentials, tenant and bounds from its variables, or nothing without a URL', () => {
    const config = parseConfig({
      TEMPO_URL: 'http://tempo:3200',
      TEMPO_USERNAME: 'u',
      TEMPO_PASSWORD: 'p',
      TEMPO_TOKEN: 't',
      TEMPO_TENANT: 'ops',
      LOKI_USERNAME: 'ignored',
      PROBE_TIMEOUT: '7s',
      PROBE_MAX_REPLY_BYTES: String(2 * 1024 * 1024),
    });
    expect(upstreamFromConfig(config, 'TEMPO')).toEqual({
      name: 'Tempo',
      envPrefix: 'TEMPO',
      url: 'http://tempo:3200',
      username: 'u',
      password: 'p',
      token: 't',
      tenant: 'ops',
      timeoutMs: 7000,
      maxBytes: 2 * 1024 * 1024,
    });
    expect(upstreamFromConfig(config, 'LOKI')).toBeNull();
  });
});

describe('parseReply and parseJsonReply', () => {
  const schema = z.object({ traces: z.array(z.string()) });
  it('names the upstream and the call when a reply is not JSON or has the wrong shape', () => {
    expect(parseReply('Tempo', schema, '<html>', 'search')).toEqual({
      ok: false,
      message: 'Tempo sent a reply that is not JSON (<html>): is the URL pointing at Tempo?',
    });
    expect(parseJsonReply({ name: 'Loki' }, '  ')).toEqual({
      ok: false,
      message: 'Loki sent a reply that is not JSON (empty body): is the URL pointing at Loki?',
    });
    expect(parseReply('Tempo', schema, '{"traces":3}', 'search')).toEqual({
      ok: false,
      message:
        "Tempo's search reply has an unexpected shape (Invalid input: expected array, received number): " +
        'is TEMPO_URL a Tempo server?',
    });
    expect(parseReply('Alloy', schema, '{}', 'status')).toEqual({
      ok: false,
      message: `Alloy's status reply has an unexpected shape (Invalid input: expected array, received undefined).`,
    });
    expect(parseReply('Tempo', schema, '{"traces":["a"]}', 'search')).toEqual({ ok: true, value: { traces: ['a'] } });
  });
});
