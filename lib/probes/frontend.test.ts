import { afterEach, describe, expect, it } from 'vitest';
import {
  json,
  type RunningSimulator,
  type SimRequest,
  serveSimulator,
  type SimResponse,
  text,
} from '@/simulators/http';
import {
  corsProblem,
  type FaroRouteTarget,
  mentionsCollector,
  probeCollectorUrl,
  probeFaroRoute,
  scriptUrls,
} from './frontend';
import { freePort } from '@/test/free-port';
import type { Upstream } from './http';

/**
 * The frontend proofs against small local servers whose answers each test sets: a frontend (its
 * page, config and scripts, or a same-origin /faro route), a route on another origin, and a Loki
 * that holds the line of each payload the route forwarded.
 */
let servers: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});
const serve = async (name: string, routes: (request: SimRequest) => SimResponse | undefined) => {
  const server = await serveSimulator(name, (r) => routes(r) ?? text(404, 'not found'));
  servers.push(server);
  return server;
};

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-faro-session-id',
};
const streams = (line: string | null) =>
  json(200, {
    status: 'success',
    data: {
      resultType: 'streams',
      result: line ? [{ stream: { service_name: 'app' }, values: [[`${Date.now()}000000`, line]] }] : [],
    },
  });

describe('probeFaroRoute, decision by decision', () => {
  interface Setup {
    preflight?: SimResponse;
    post?: SimResponse;
    /** Loki's answer to its n-th poll; by default it has the forwarded line from the first. */
    loki?: (poll: number, forwarded: string | null) => SimResponse;
    sameOrigin?: boolean;
  }
  const setup = async (s: Setup = {}, overrides: Partial<FaroRouteTarget> = {}) => {
    let forwarded: string | null = null;
    const route = (r: SimRequest) => {
      if (r.path !== '/faro') return undefined;
      if (r.method === 'OPTIONS') return s.preflight ?? { status: 204, headers: CORS };
      forwarded = `kind=log message="${JSON.parse(r.body.toString()).logs[0].message}"`;
      return s.post ?? text(202, 'ok', CORS);
    };
    const frontend = await serve('frontend', (r) => (s.sameOrigin ? route(r) : text(200, '<html>')));
    const api = s.sameOrigin ? frontend : await serve('api', route);
    let polls = 0;
    const loki = await serve('loki', () => (s.loki ?? ((_, line) => streams(line)))(++polls, forwarded));
    const target: FaroRouteTarget = {
      frontendUrl: `${frontend.url}/app/`,
      routeUrl: `${api.url}/faro`,
      faroApp: 'app',
      timeoutMs: 2000,
      deadlineMs: 1000,
      pollMs: 50,
      ...overrides,
    };
    const lokiUpstream: Upstream = { name: 'Loki', envPrefix: 'LOKI', url: loki.url, timeoutMs: 2000 };
    return { target, frontend, api, loki, lokiUpstream, run: () => probeFaroRoute(target, lokiUpstream) };
  };

  it('preflights and posts as the browser SDK does from the page’s origin, then finds the marker in Loki', async () => {
    const w = await setup({ loki: (poll, line) => streams(poll < 3 ? null : line) });
    const result = await w.run();
    const origin = w.frontend.url;
    const marker = result.evidence.marker!;
    expect(marker).toMatch(/^faro-route-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [preflight, post] = w.api.requests;
    expect([preflight.method, preflight.path]).toEqual(['OPTIONS', '/faro']);
    expect(preflight.headers).toMatchObject({
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-faro-session-id',
    });
    expect([post.method, post.headers['content-type'], post.headers['x-faro-session-id'], post.headers.origin]).toEqual(
      ['POST', 'application/json', marker.slice(0, 20), origin],
    );
    const payload = JSON.parse(post.body.toString());
    expect(payload).toEqual({
      meta: {
        app: { name: 'app', version: 'rollout-board-probe', environment: 'rollout-board-synthetic' },
        session: { id: marker.slice(0, 20), attributes: { synthetic: 'true', source: 'rollout-board' } },
        sdk: { name: 'rollout-board-probe', version: '1.0.0' },
        page: { url: 'rollout-board://faro-route-proof' },
      },
      logs: [
        {
          message: `rollout-board faro route probe ${marker}`,
          level: 'info',
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        },
      ],
    });
    expect(Date.now() - Date.parse(payload.logs[0].timestamp)).toBeLessThan(5_000);
    expect(w.loki.requests).toHaveLength(3);
    const asked = w.loki.requests[0].query;
    expect(asked.get('query')).toBe(`{service_name="app"} |= "${marker}"`);
    expect(asked.get('limit')).toBe('1');
    const startMs = Number(BigInt(asked.get('start')!) / 1_000_000n);
    const endMs = Number(BigInt(asked.get('end')!) / 1_000_000n);
    expect(Date.now() - startMs).toBeGreaterThanOrEqual(60_000);
    expect(Date.now() - startMs).toBeLessThan(65_000);
    expect(endMs - Date.now()).toBeGreaterThan(55_000);
    expect(endMs - Date.now()).toBeLessThanOrEqual(60_000);
    expect(result).toEqual({
      status: 'pass',
      message: `preflight allowed; POST answered 202; the payload reached Loki after ${result.evidence.foundInLokiAfterMs} ms.`,
      evidence: {
        routeUrl: `${w.api.url}/faro`,
        origin,
        sameOrigin: false,
        // Only the headers that decide CORS and routing are kept.
        preflight: { status: 204, headers: CORS, problem: null },
        post: {
          status: 202,
          headers: { ...CORS, 'content-type': 'text/plain; charset=utf-8' },
          problem: null,
        },
        marker,
        foundInLokiAfterMs: result.evidence.foundInLokiAfterMs,
      },
    });
    expect(result.evidence.foundInLokiAfterMs).toBeGreaterThanOrEqual(100);
    expect(result.evidence.foundInLokiAfterMs).toBeLessThan(5_000);
  });

  it('sends neither a preflight nor an Origin to a route on the page’s own origin', async () => {
    const w = await setup({ sameOrigin: true });
    const result = await w.run();
    expect(w.frontend.requests.map((r) => r.method)).toEqual(['POST']);
    expect(w.frontend.requests[0].headers.origin).toBeUndefined();
    expect(result).toMatchObject({
      status: 'pass',
      message: expect.stringMatching(
        /^same origin, no preflight; POST answered 202; the payload reached Loki after \d+ ms\.$/,
      ),
      evidence: { sameOrigin: true, preflight: null, post: { status: 202, problem: null } },
    });
  });

  it('fails a preflight that is refused or lacks the CORS answer, without posting', async () => {
    const refused = await setup({ preflight: text(405, 'method not allowed') });
    const where = `${refused.api.url}/faro`;
    const origin = refused.frontend.url;
    expect(await refused.run()).toMatchObject({
      status: 'fail',
      message: `A browser on ${origin} would log a CORS error: the preflight to ${where} is refused (it answered 405).`,
      evidence: { preflight: { status: 405, problem: 'it answered 405' }, post: null, marker: null },
    });
    expect(refused.api.requests.map((r) => r.method)).toEqual(['OPTIONS']);
    const bare = await setup({ preflight: { status: 200 } });
    expect((await bare.run()).message).toBe(
      `A browser on ${bare.frontend.url} would log a CORS error: the preflight to ${bare.api.url}/faro is refused ` +
        '(no Access-Control-Allow-Origin header).',
    );
    // A preflight answer must also allow the SDK's headers, which a plain answer does not.
    const noHeaders = await setup({ preflight: { status: 204, headers: { 'access-control-allow-origin': '*' } } });
    expect((await noHeaders.run()).evidence.preflight?.problem).toBe(
      'Access-Control-Allow-Headers does not allow content-type',
    );
    const ok299 = await setup({ preflight: { status: 299, headers: CORS } });
    expect((await ok299.run()).status).toBe('pass');
    const moved = await setup({ preflight: { status: 300, headers: CORS } });
    expect((await moved.run()).evidence.preflight?.problem).toBe('it answered 300');
  });

  it('fails a POST that is not forwarded, or whose answer lacks CORS, and never follows a redirect', async () => {
    const bad = await setup({ post: text(502, 'no upstream', CORS) });
    expect(await bad.run()).toMatchObject({
      status: 'fail',
      message:
        `POST ${bad.api.url}/faro answered 502: the route does not forward (check faro.proxy.upstreamUrl and ` +
        "that Alloy's receiver is reachable from the service).",
      evidence: { post: { status: 502, problem: 'it answered 502' } },
    });
    const redirect = await setup({ post: { status: 302, headers: { ...CORS, location: '/login', 'x-other': '1' } } });
    const redirected = await redirect.run();
    expect(redirected.evidence.post).toEqual({
      status: 302,
      headers: { ...CORS, location: '/login' },
      problem: 'it answered 302',
    });
    expect(redirect.api.requests.map((r) => r.path)).toEqual(['/faro', '/faro']);
    const multiple = await setup({ post: { status: 300, headers: CORS } });
    expect((await multiple.run()).message).toMatch(/^POST .* answered 300: the route does not forward/);
    const noCors = await setup({ post: text(202, 'ok') });
    expect(await noCors.run()).toMatchObject({
      status: 'fail',
      message: `A browser on ${noCors.frontend.url} would log a CORS error: the POST's answer has no Access-Control-Allow-Origin header.`,
      evidence: { post: { status: 202, problem: 'no Access-Control-Allow-Origin header' } },
    });
    expect(noCors.loki.requests).toHaveLength(0);
    // The same answer on the page's own origin is fine: the browser asks no CORS question there.
    const sameOrigin = await setup({ sameOrigin: true, post: text(202, 'ok') });
    expect((await sameOrigin.run()).status).toBe('pass');
  });

  it('errors when the route cannot be reached, naming the step and the reason', async () => {
    const w = await setup();
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const down = { ...w.target, routeUrl: `${nobody}/faro` };
    expect(await probeFaroRoute(down, w.lokiUpstream)).toMatchObject({
      status: 'error',
      message: `The CORS preflight to ${nobody}/faro failed: cannot connect (ECONNREFUSED).`,
    });
    const same = { ...down, frontendUrl: `${nobody}/app/` };
    expect(await probeFaroRoute(same, w.lokiUpstream)).toMatchObject({
      status: 'error',
      message: `POST ${nobody}/faro failed: cannot connect (ECONNREFUSED).`,
    });
    const slow = await setup({ preflight: { status: 204, hang: true } }, { timeoutMs: 200 });
    expect((await slow.run()).message).toBe(
      `The CORS preflight to ${slow.api.url}/faro failed: no answer within 0.2s (PROBE_TIMEOUT).`,
    );
    const stopped = await setup({ post: { status: 202, hang: true } });
    const run = new AbortController();
    setTimeout(() => run.abort(new DOMException('the run did not finish within 1m', 'AbortError')), 100);
    expect((await probeFaroRoute({ ...stopped.target, signal: run.signal }, stopped.lokiUpstream)).message).toBe(
      `POST ${stopped.api.url}/faro failed: stopped, the run did not finish within 1m.`,
    );
    const cancelled = new AbortController();
    setTimeout(() => cancelled.abort(new DOMException('', 'AbortError')), 100);
    expect((await probeFaroRoute({ ...stopped.target, signal: cancelled.signal }, stopped.lokiUpstream)).message).toBe(
      `POST ${stopped.api.url}/faro failed: stopped, the run was cancelled.`,
    );
  });

  it('errors when Loki cannot be asked, and fails when the line never arrives by the deadline', async () => {
    const lokiDown = await setup({ loki: () => text(500, 'ingester down') }, { deadlineMs: 200 });
    expect(await lokiDown.run()).toMatchObject({
      status: 'error',
      message:
        'The route accepted the payload, but Loki could not be asked: Loki answered 500: ingester down. Loki ' +
        'itself is failing; look at its logs.',
    });
    const lost = await setup(
      { loki: (poll) => (poll === 1 ? text(500, 'ingester down') : streams(null)) },
      { deadlineMs: 1400, pollMs: 100 },
    );
    const started = Date.now();
    const result = await lost.run();
    expect(Date.now() - started).toBeLessThan(1400 + 500);
    expect(lost.loki.requests.length).toBeGreaterThanOrEqual(5);
    expect(result).toMatchObject({
      status: 'fail',
      message:
        `POST ${lost.api.url}/faro answered 202, but the payload did not reach Loki within 1s: the route ` +
        'accepts but does not forward to Alloy.',
      evidence: { foundInLokiAfterMs: null },
    });
  });

  it('polls Loki every half second unless told otherwise, and stops once the run is stopped', async () => {
    const w = await setup({ loki: () => streams(null) }, { deadlineMs: 800, pollMs: undefined });
    expect((await w.run()).status).toBe('fail');
    expect(w.loki.requests).toHaveLength(2);
    const run = new AbortController();
    const stopped = await setup({ loki: () => streams(null) }, { deadlineMs: 10_000, pollMs: 100, signal: run.signal });
    setTimeout(() => run.abort(), 250);
    const started = Date.now();
    expect((await stopped.run()).status).toBe('fail');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('is not configured without Loki, and asks nothing', async () => {
    const w = await setup();
    expect(await probeFaroRoute(w.target, null)).toEqual({
      status: 'not-configured',
      message: 'LOKI_URL is not set, so this was not checked.',
      evidence: {
        routeUrl: `${w.api.url}/faro`,
        origin: w.frontend.url,
        sameOrigin: false,
        preflight: null,
        post: null,
        marker: null,
        foundInLokiAfterMs: null,
      },
    });
    expect(w.api.requests).toHaveLength(0);
  });
});

describe('corsProblem, as a browser judges it', () => {
  const origin = 'https://app.example';
  it('needs the page’s origin or *, and for a preflight POST and both SDK headers (any case, * allowed)', () => {
    expect(corsProblem({ 'access-control-allow-origin': 'https://other.example' }, origin, false)).toBe(
      `Access-Control-Allow-Origin is "https://other.example", not the frontend's origin ${origin}`,
    );
    expect(corsProblem({ 'access-control-allow-origin': origin }, origin, false)).toBeNull();
    const allow = (extra: Record<string, string>) =>
      corsProblem({ 'access-control-allow-origin': '*', ...extra }, origin, true);
    expect(allow({ 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': '*' })).toBe(
      'Access-Control-Allow-Methods "GET, PUT" lacks POST',
    );
    expect(allow({ 'access-control-allow-methods': 'get, post', 'access-control-allow-headers': '*' })).toBeNull();
    expect(allow({ 'access-control-allow-methods': '*', 'access-control-allow-headers': '*' })).toBeNull();
    expect(allow({ 'access-control-allow-headers': '*' })).toBeNull();
    expect(allow({ 'access-control-allow-headers': 'x-faro-session-id' })).toBe(
      'Access-Control-Allow-Headers does not allow content-type',
    );
    expect(allow({})).toBe('Access-Control-Allow-Headers does not allow content-type');
    expect(allow({ 'access-control-allow-headers': ' Content-Type ,X-FARO-SESSION-ID ' })).toBeNull();
  });
});

describe('probeCollectorUrl, decision by decision', () => {
  const site = (files: Record<string, SimResponse>) => serve('site', (r) => files[r.path]);
  const page = (body: string) => text(200, body, { 'content-type': 'text/html' });
  const target = (url: string, extra: { configPath?: string; collectorUrl?: string } = {}) => ({
    frontendUrl: `${url}/app/`,
    collectorUrl: '/faro',
    timeoutMs: 2000,
    ...extra,
  });

  it('looks in the page, then the config file, then its same-origin scripts in order, until found', async () => {
    const s = await site({
      '/app/': page('<script src="a.js"></script><script src="/b.js"></script><script src="/c.js"></script>'),
      '/app/config.json': json(200, { api: '/api' }),
      '/app/a.js': text(200, 'const x = 1;'),
      '/b.js': text(200, 'init({url:"/faro"})'),
      '/c.js': text(200, 'init({url:"/faro"})'),
    });
    const result = await probeCollectorUrl(target(s.url, { configPath: 'config.json' }), true);
    expect(result).toEqual({
      status: 'pass',
      message: `/faro is injected (found in ${s.url}/b.js).`,
      evidence: {
        pageUrl: `${s.url}/app`,
        collectorUrl: '/faro',
        searched: [
          { url: `${s.url}/app`, status: 200, found: false },
          { url: `${s.url}/app/config.json`, status: 200, found: false },
          { url: `${s.url}/app/a.js`, status: 200, found: false },
          { url: `${s.url}/b.js`, status: 200, found: true },
        ],
        foundIn: `${s.url}/b.js`,
      },
    });
    expect(s.requests.map((r) => [r.method, r.headers.accept])).toContainEqual(['GET', '*/*']);
  });

  it('stops at the page or the config file when the URL is there', async () => {
    const s = await site({
      '/app/': page(`<script src="/b.js"></script><script>window.faro = '${'/faro'}'</script>`),
      '/app/cfg.json': json(200, { faro: '/faro' }),
    });
    expect((await probeCollectorUrl(target(s.url, { configPath: 'cfg.json' }), null)).evidence.searched).toHaveLength(
      1,
    );
    const config = await site({
      '/app/': page('<script src="/b.js"></script>'),
      '/app/cfg.json': json(200, { faro: '/faro' }),
    });
    const result = await probeCollectorUrl(target(config.url, { configPath: 'cfg.json' }), null);
    expect(result.evidence.foundIn).toBe(`${config.url}/app/cfg.json`);
    expect(config.requests.map((r) => r.path)).toEqual(['/app/', '/app/cfg.json']);
  });

  it('finds the absolute collector URL unquoted, and reads a large page up to 2 MB', async () => {
    const big = `${' '.repeat(100)}<p>collector: http://collector.example/faro</p>${'x'.repeat(3 * 1024 * 1024)}`;
    const s = await site({ '/app/': page(big) });
    const result = await probeCollectorUrl(target(s.url, { collectorUrl: 'http://collector.example/faro' }), null);
    expect(result).toMatchObject({ status: 'pass', evidence: { foundIn: `${s.url}/app` } });
    const late = await site({ '/app/': page(`${'x'.repeat(2 * 1024 * 1024)}"/faro"`) });
    expect((await probeCollectorUrl(target(late.url), null)).status).toBe('fail');
  });

  it('does not count a URL on a page that answered 300', async () => {
    const s = await site({ '/app/': text(300, '"/faro"') });
    expect(await probeCollectorUrl(target(s.url), null)).toMatchObject({
      status: 'fail',
      evidence: { searched: [{ status: 300, found: false }] },
    });
  });

  it('does not count a URL on a page that answered an error, and then reads no scripts', async () => {
    const s = await site({
      '/app/': text(404, '<script src="/b.js"></script> "/faro"'),
      '/b.js': text(200, '"/faro"'),
    });
    const result = await probeCollectorUrl(target(s.url), null);
    expect(result).toEqual({
      status: 'fail',
      message:
        'The collector URL /faro is not in the page, its config or the 0 file(s) it loads: check ' +
        'faro.collectorUrl reaches the frontend build.',
      evidence: {
        pageUrl: `${s.url}/app`,
        collectorUrl: '/faro',
        searched: [{ url: `${s.url}/app`, status: 404, found: false }],
        foundIn: null,
      },
    });
    expect(s.requests).toHaveLength(1);
  });

  it('fails naming the config file and how many files it read, keeping a failed script as searched', async () => {
    const s = await site({
      '/app/': page('<script src="/a.js"></script><script src="/gone.js"></script>'),
      '/a.js': text(200, 'nothing here'),
    });
    const result = await probeCollectorUrl(target(s.url, { configPath: '/config.js' }), null);
    expect(result.message).toBe(
      'The collector URL /faro is not in the page, /config.js or the 3 file(s) it loads: check faro.collectorUrl ' +
        'reaches the frontend build.',
    );
    expect(result.evidence.searched.map((e) => [e.url.replace(s.url, ''), e.status, e.found])).toEqual([
      ['/app', 200, false],
      ['/config.js', 404, false],
      ['/a.js', 200, false],
      ['/gone.js', 404, false],
    ]);
  });

  it('sends user:password@ in the page URL as Basic auth, and never into its message or evidence', async () => {
    const seen: Array<string | undefined> = [];
    const guarded = await serve('guarded', (r) => {
      seen.push(r.headers.authorization);
      return r.path === '/app/' ? page('init({url:"/faro"})') : undefined;
    });
    const withCredentials = guarded.url.replace('http://', 'http://board:hunter%32@');
    const found = await probeCollectorUrl(target(withCredentials), true);
    expect(found.status).toBe('pass');
    expect(seen).toEqual([`Basic ${Buffer.from('board:hunter2').toString('base64')}`]);
    expect(JSON.stringify(found)).not.toContain('hunter');
    const nobody = `http://board:hunter2@127.0.0.1:${await freePort()}`;
    const failed = await probeCollectorUrl(target(nobody), true);
    expect(failed.status).toBe('error');
    expect(failed.message).toContain('cannot connect (ECONNREFUSED)');
    expect(JSON.stringify(failed)).not.toContain('hunter2');
  });

  it('errors when the page itself cannot be fetched, with the reason', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const result = await probeCollectorUrl(
      { frontendUrl: `${nobody}/app/`, collectorUrl: '/faro', timeoutMs: 2000 },
      true,
    );
    expect(result).toEqual({
      status: 'error',
      message: `The page ${nobody}/app could not be fetched: cannot connect (ECONNREFUSED).`,
      evidence: {
        pageUrl: `${nobody}/app`,
        collectorUrl: '/faro',
        searched: [{ url: `${nobody}/app`, status: null, found: false, error: 'cannot connect (ECONNREFUSED)' }],
        foundIn: null,
      },
    });
  });
});

describe('scriptUrls and mentionsCollector', () => {
  it('reads each same-origin script once, in any case and with other attributes, up to ten', () => {
    const html =
      '<SCRIPT type="module" SRC=\'/m.js\'></SCRIPT><script src="/m.js"></script><script src="http://[bad"></script>' +
      '<scripts src="/not.js"></scripts><script src = "/spaced.js"></script>' +
      Array.from({ length: 12 }, (_, i) => `<script src="/s${i}.js"></script>`).join('');
    expect(scriptUrls(html, 'https://app.example/x/')).toEqual([
      'https://app.example/m.js',
      'https://app.example/spaced.js',
      ...Array.from({ length: 8 }, (_, i) => `https://app.example/s${i}.js`),
    ]);
  });

  it('matches a path only as a whole quoted string, in any of the three quotes', () => {
    const abs = 'https://app.example/faro';
    expect(mentionsCollector("u='/faro'", '/faro', abs)).toBe(true);
    expect(mentionsCollector('u=`/faro`', '/faro', abs)).toBe(true);
    expect(mentionsCollector('u="/faro/extra"', '/faro', abs)).toBe(false);
    expect(mentionsCollector(`see ${abs}`, '/faro', abs)).toBe(true);
    // A dot in the URL is a dot, not any character.
    const elsewhere = 'https://elsewhere.invalid/';
    expect(mentionsCollector('"https://c.example/f"', 'https://c.example/f', elsewhere)).toBe(true);
    expect(mentionsCollector('"https://cxexample/f"', 'https://c.example/f', elsewhere)).toBe(false);
    expect(mentionsCollector('"/f(a)+"', '/f(a)+', elsewhere)).toBe(true);
  });
});
