import { describe, expect, it } from 'vitest';
import { crossSiteRefusal } from './cross-site';
import { boardOrigin } from './identify';
import { safeReturnTo } from './oidc';

const BOARD = 'https://rollout.example.org';
const post = (headers: Record<string, string>, method = 'POST') =>
  new Request(`${BOARD}/api/verify`, { method, headers, body: method === 'GET' ? undefined : headers.body });

describe('cross-site refusal', () => {
  it('lets a same-origin JSON post and a non-browser client through', () => {
    expect(crossSiteRefusal(post({ origin: BOARD, 'content-type': 'application/json' }), BOARD)).toBeNull();
    expect(crossSiteRefusal(post({ 'content-type': 'application/json; charset=utf-8' }), BOARD)).toBeNull();
    expect(crossSiteRefusal(post({ 'sec-fetch-site': 'same-origin' }), BOARD)).toBeNull();
    expect(crossSiteRefusal(post({ origin: 'https://evil.example' }, 'GET'), BOARD)).toBeNull();
  });

  it('answers 403 for another Origin, a null Origin, or a cross-site Sec-Fetch-Site without Origin', () => {
    for (const headers of [
      { origin: 'https://evil.example', 'content-type': 'application/json' },
      { origin: 'null', 'content-type': 'application/json' },
      { origin: 'http://rollout.example.org', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
    ] as Record<string, string>[]) {
      expect(crossSiteRefusal(post(headers), BOARD)?.status, JSON.stringify(headers)).toBe(403);
    }
  });

  it('answers 415 for a body that is not JSON, as forms and text/plain posts are', () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const refusal = crossSiteRefusal(post({ origin: BOARD, 'content-type': type, body: '{"kind":"all"}' }), BOARD);
      expect(refusal?.status, type).toBe(415);
    }
    expect(crossSiteRefusal(post({ origin: BOARD, body: '{"kind":"all"}' }), BOARD)?.status).toBe(415);
  });

  it('takes only JSON itself: not a safelisted type that merely mentions it, nor a longer name', () => {
    // text/plain with any parameter needs no CORS preflight, so another site's page could send this one.
    for (const type of ['text/plain; charset=application/json', 'application/jsonx', 'application/json5']) {
      const refusal = crossSiteRefusal(post({ origin: BOARD, 'content-type': type, body: '{}' }), BOARD);
      expect(refusal?.status, type).toBe(415);
      expect(refusal?.message).toBe(`Send the body as JSON (content-type: application/json), not ${type}.`);
    }
    for (const type of ['application/json', 'Application/JSON', 'application/json ; charset=utf-8']) {
      expect(crossSiteRefusal(post({ origin: BOARD, 'content-type': type, body: '{}' }), BOARD), type).toBeNull();
    }
  });

  it('counts a body declared only by its length or by chunking as a body without a type (415)', () => {
    for (const headers of [{ 'content-length': '12' }, { 'transfer-encoding': 'chunked' }] as Record<
      string,
      string
    >[]) {
      const refusal = crossSiteRefusal(new Request(`${BOARD}/api/verify`, { method: 'POST', headers }), BOARD);
      expect(refusal?.status, JSON.stringify(headers)).toBe(415);
      expect(refusal?.message).toContain('not an untyped body');
    }
    // No body at all (a bodiless POST, as the Verify buttons of other clients send) is no reason to refuse.
    const bodiless = new Request(`${BOARD}/api/verify`, { method: 'POST', headers: { 'content-length': '0' } });
    expect(crossSiteRefusal(bodiless, BOARD)).toBeNull();
  });

  it('says which origin or fetch site it refused, cut short', () => {
    const long = `https://${'a'.repeat(200)}.example`;
    expect(crossSiteRefusal(post({ origin: long }), BOARD)?.message).toBe(
      `Cross-site request refused: Origin ${long.slice(0, 100)} is not this board.`,
    );
    const site = `cross-site${'x'.repeat(50)}`;
    expect(crossSiteRefusal(post({ 'sec-fetch-site': site }), BOARD)?.message).toBe(
      `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 30)}).`,
    );
  });
});

describe('board origin and return paths', () => {
  it('prefers PUBLIC_URL, else what the proxy in front says', () => {
    const request = new Request('http://10.0.0.3:3000/api/verify', {
      headers: { host: '10.0.0.3:3000', 'x-forwarded-host': 'rollout.example.org', 'x-forwarded-proto': 'https' },
    });
    expect(boardOrigin(request, { publicUrl: null })).toBe('https://rollout.example.org');
    expect(boardOrigin(request, { publicUrl: new URL('https://board.example.org/') })).toBe(
      'https://board.example.org',
    );
  });

  it('returns only to paths on the board itself', () => {
    expect(safeReturnTo('/services/traction?x=1')).toBe('/services/traction?x=1');
    for (const evil of ['https://evil.example/', '//evil.example/', '/\\evil.example', '', null]) {
      expect(safeReturnTo(evil)).toBe('/');
    }
  });
});
