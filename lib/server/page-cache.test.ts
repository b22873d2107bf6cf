import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pageCacheKey, RenderedPageCache, type RenderedPage } from './page-cache';
import { SplicedBody } from './spliced-body';

const NONCE = 'Zm9yLXRoZS1maXJzdC1yZW5kZXItb2YtdGhlLXBhZ2U=';
const FRESH = 'YW5vdGhlci1ub25jZS1mb3ItdGhpcy1hbnN3ZXItb25seQ==';
const page = (overrides: Partial<RenderedPage> = {}): RenderedPage => ({
  status: 200,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `script-src 'nonce-${NONCE}'`,
    'x-frame-options': 'DENY',
    link: `</a.css>; rel=preload; nonce="${NONCE}"`,
    date: 'Tue, 01 Dec 2026 11:00:00 GMT',
    'x-page-cache': 'miss',
  },
  body: Buffer.from(
    `<html><script nonce="${NONCE}">1</script><p>Matrix ✓</p>${'x'.repeat(100)}<script nonce="${NONCE}">2</script>`,
  ),
  nonce: NONCE,
  ...overrides,
});
const request = (
  overrides: { method?: string; pathname?: string; search?: string; headers?: Record<string, string> } = {},
) => ({
  method: 'GET',
  pathname: '/',
  search: '',
  headers: { host: 'board:3000', accept: 'text/html' } as Record<string, string>,
  ...overrides,
});
const revisions = { matrix: 7, sync: 3 };

describe('which requests the page cache keeps pages for', () => {
  it('keeps the matrix page, per address, viewer and store revisions', () => {
    const key = pageCacheKey(request(), 'anonymous', revisions);
    expect(key).not.toBeNull();
    expect(pageCacheKey(request(), 'anonymous', revisions)).toBe(key);
    const others = [
      pageCacheKey(request({ search: '?state=regressed' }), 'anonymous', revisions),
      pageCacheKey(request(), '["oidc","erin","Erin",["viewer"]]', revisions),
      pageCacheKey(request(), 'anonymous', { matrix: 8, sync: 3 }),
      pageCacheKey(request(), 'anonymous', { matrix: 7, sync: 4 }),
      pageCacheKey(request({ headers: { host: 'other:3000' } }), 'anonymous', revisions),
    ];
    expect(new Set([key, ...others]).size).toBe(6);
  });

  it.each([
    ['another page', request({ pathname: '/progress' })],
    ['a HEAD request', request({ method: 'HEAD' })],
    ['a POST', request({ method: 'POST' })],
    ['a client navigation (RSC payload)', request({ headers: { host: 'b', rsc: '1' } })],
    ['a prefetch', request({ headers: { host: 'b', 'next-router-prefetch': '1' } })],
    ['an _rsc query', request({ search: '?_rsc=abc' })],
  ])('never %s', (_, r) => {
    expect(pageCacheKey(r, 'anonymous', revisions)).toBeNull();
  });

  it('never without the sync revision row, which nothing would ever move', () => {
    expect(pageCacheKey(request(), 'anonymous', { matrix: 7, sync: null })).toBeNull();
  });
});

describe('a kept page', () => {
  const at = (start: number) => {
    let now = start;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('is served again with this answer’s nonce everywhere the render had its own, and never the old one', async () => {
    const cache = new RenderedPageCache(5000);
    expect(await cache.keep('k', page())).toBe(true);
    const served = cache.take('k', FRESH, {});
    expect(served).toBeDefined();
    const body = served?.body.toString('utf8') ?? '';
    expect(body).not.toContain(NONCE);
    expect(body.split(FRESH)).toHaveLength(3);
    expect(body).toBe(page().body.toString('utf8').replaceAll(NONCE, FRESH));
    expect(served?.headers.link).toBe(`</a.css>; rel=preload; nonce="${FRESH}"`);
    expect(served?.headers['x-frame-options']).toBe('DENY');
    // This answer's own: the server sets the CSP of its new nonce, and the date and length are its own.
    expect(served?.headers).not.toHaveProperty('content-security-policy');
    expect(served?.headers).not.toHaveProperty('date');
    // The render's "miss" is not the answer's: the server marks a hit itself.
    expect(served?.headers).not.toHaveProperty('x-page-cache');
    expect(served?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('is gzipped for a browser that asks for it', async () => {
    const cache = new RenderedPageCache(5000);
    await cache.keep('k', page());
    const served = cache.take('k', FRESH, { 'accept-encoding': 'gzip, deflate, br' });
    expect(served?.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(served?.body ?? Buffer.alloc(0)).toString('utf8')).toBe(
      page().body.toString('utf8').replaceAll(NONCE, FRESH),
    );
    expect(served?.headers['content-length']).toBe(String(served?.body.length));
  });

  it('is served for PAGE_CACHE_TTL, not a moment longer', async () => {
    const clock = at(1_000_000);
    const cache = new RenderedPageCache(5000, clock.now);
    await cache.keep('k', page());
    clock.advance(4999);
    expect(cache.take('k', FRESH, {})).toBeDefined();
    clock.advance(1);
    expect(cache.take('k', FRESH, {})).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it.each([
    ['an error page', page({ status: 503 })],
    ['a redirect', page({ status: 307 })],
    ['an answer that sets a cookie', page({ headers: { ...page().headers, 'set-cookie': 'rb_session=x' } })],
    ['something other than HTML', page({ headers: { ...page().headers, 'content-type': 'application/json' } })],
    ['a compressed body', page({ headers: { ...page().headers, 'content-encoding': 'gzip' } })],
    ['a render without a real nonce', page({ nonce: '' })],
  ])('is never %s', async (_, rendered) => {
    const cache = new RenderedPageCache(5000);
    expect(await cache.keep('k', rendered)).toBe(false);
    expect(cache.take('k', FRESH, {})).toBeUndefined();
  });

  it('is kept only with a nonce of at least 16 characters, which no page text could stand for by chance', async () => {
    const withNonce = (nonce: string) =>
      page({ nonce, body: Buffer.from(`<p>Matrix</p><script nonce="${nonce}"></script>`) });
    const cache = new RenderedPageCache(5000);
    expect(await cache.keep('short', withNonce('n'.repeat(15)))).toBe(false);
    expect(await cache.keep('enough', withNonce('n'.repeat(16)))).toBe(true);
  });

  it('is never kept with PAGE_CACHE_TTL off', async () => {
    const cache = new RenderedPageCache(0);
    expect(await cache.keep('k', page())).toBe(false);
    expect(cache.take('k', FRESH, {})).toBeUndefined();
  });

  it('is replaced by a newer render under the same key', async () => {
    const cache = new RenderedPageCache(5000);
    await cache.keep('k', page());
    await cache.keep('k', page({ body: Buffer.from(`<p>newer</p><script nonce="${NONCE}"></script>`) }));
    expect(cache.take('k', FRESH, {})?.body.toString()).toBe(`<p>newer</p><script nonce="${FRESH}"></script>`);
    expect(cache.size).toBe(1);
  });

  it('is the render handed over last when an older one finishes compressing after it', async () => {
    const cache = new RenderedPageCache(5000);
    // Pages are compressed on the thread pool: a large older render finishes after a small newer one.
    const rows = Array.from({ length: 40_000 }, (_, i) => `<tr><td>${(i * 7919) % 104_729}</td></tr>`).join('');
    const older = cache.keep('k', page({ body: Buffer.from(`${rows}<script nonce="${NONCE}"></script>`) }));
    const newer = cache.keep('k', page({ body: Buffer.from(`<p>newer</p><script nonce="${NONCE}"></script>`) }));
    expect(await Promise.all([older, newer])).toEqual([false, true]);
    expect(cache.take('k', FRESH, {})?.body.toString()).toBe(`<p>newer</p><script nonce="${FRESH}"></script>`);
    expect(cache.size).toBe(1);
  });

  it('goes, oldest first, past the entry and byte limits', async () => {
    const size = page().body.length;
    const cache = new RenderedPageCache(5000, Date.now, { entries: 3, bytes: 10 * size });
    for (const key of ['a', 'b', 'c', 'd']) await cache.keep(key, page());
    expect(cache.size).toBe(3);
    expect(cache.take('a', FRESH, {})).toBeUndefined();
    expect(cache.take('d', FRESH, {})).toBeDefined();

    // What one kept page weighs: its parts, and the same compressed for gzip answers.
    const doubled = Buffer.concat([page().body, page().body]);
    const weight = (await SplicedBody.cut(doubled, Buffer.from(NONCE))).bytes;
    const small = new RenderedPageCache(5000, Date.now, { entries: 10, bytes: 4.5 * weight });
    for (const key of ['a', 'b', 'c', 'd']) await small.keep(key, page({ body: doubled }));
    expect(small.size).toBe(4);
    await small.keep('e', page({ body: doubled }));
    expect(small.size).toBe(4);
    expect(small.take('a', FRESH, {})).toBeUndefined();
    expect(small.take('b', FRESH, {})).toBeDefined();
    // One page larger than a quarter of all it may keep is not kept at all.
    expect(await small.keep('huge', page({ body: Buffer.alloc(1.2 * weight, 'x') }))).toBe(false);

    // A page rendered again under its key weighs once, not once per render: four keys still fit.
    const again = new RenderedPageCache(5000, Date.now, { entries: 10, bytes: 4.5 * weight });
    for (let render = 0; render < 5; render += 1) await again.keep('a', page({ body: doubled }));
    for (const key of ['b', 'c', 'd']) await again.keep(key, page({ body: doubled }));
    expect(['a', 'b', 'c', 'd'].map((key) => again.take(key, FRESH, {}) !== undefined)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('replays every value of a header given several, and none of a header left unset', async () => {
    const cache = new RenderedPageCache(5000);
    const headers = {
      ...page().headers,
      link: [`</a.css>; nonce="${NONCE}"`, '</b.js>; rel=preload'],
      'x-unset': undefined,
    };
    await cache.keep('k', page({ headers }));
    const served = cache.take('k', FRESH, {});
    expect(served?.headers.link).toEqual([`</a.css>; nonce="${FRESH}"`, '</b.js>; rel=preload']);
    expect(served?.headers).not.toHaveProperty('x-unset');
  });
});
