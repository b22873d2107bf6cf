import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/env';
import { admitPage, publishPageAdmission, requireAdmittingServer } from './page-admission';
import { SESSION_COOKIE, seal } from './session';
import { authSettings } from './settings';

const oidcEnv = {
  AUTH_OIDC_ISSUER: 'http://127.0.0.1:9/',
  AUTH_OIDC_CLIENT_ID: 'rollout-board',
  AUTH_OIDC_CLIENT_SECRET: 'client-secret-that-is-long-enough-0123456789',
};
const open = parseConfig({});
const signInRequired = parseConfig(oidcEnv);
const host = { host: 'board.example:3000' };

const nonceOf = (admission: Awaited<ReturnType<typeof admitPage>>) => {
  if (admission.kind !== 'page') throw new Error(`not a page: ${admission.kind}`);
  return /'nonce-([^']+)'/.exec(admission.contentSecurityPolicy)?.[1];
};

describe('which requests are pages', () => {
  it.each([
    '/api/matrix',
    '/api/health',
    '/faro',
    '/metrics',
    '/_next/static/chunks/a.js',
    '/_next/image',
    '/favicon.ico',
  ])('%s is not a page: no CSP, no sign-in (the API checks its own callers)', async (path) => {
    expect(await admitPage(path, '', host, signInRequired)).toEqual({ kind: 'not-a-page' });
  });

  it.each(['/', '/services/acapy-agent', '/progress', '/faro-reference', '/metrics-help', '/apiary'])(
    '%s is a page',
    async (path) => {
      expect((await admitPage(path, '', host, open)).kind).toBe('page');
    },
  );
});

describe('a page’s Content-Security-Policy', () => {
  it('allows scripts only from the board and with a nonce that is new for every page', async () => {
    const first = await admitPage('/', '', host, open);
    const second = await admitPage('/', '', host, open);
    expect(first).toMatchObject({
      kind: 'page',
      contentSecurityPolicy: expect.stringContaining("frame-ancestors 'none'"),
    });
    expect(nonceOf(first)).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(nonceOf(second)).not.toBe(nonceOf(first));
  });

  it('lets the browser reach the Faro collector only when Faro reports to one', async () => {
    const collector = 'https://faro.example/collect/abc';
    const on = await admitPage('/', '', host, parseConfig({ FARO_ENABLED: 'true', FARO_COLLECTOR_URL: collector }));
    const off = await admitPage('/', '', host, parseConfig({ FARO_ENABLED: 'false', FARO_COLLECTOR_URL: collector }));
    expect(on.kind === 'page' && on.contentSecurityPolicy).toContain("connect-src 'self' https://faro.example;");
    expect(off.kind === 'page' && off.contentSecurityPolicy).toContain("connect-src 'self';");
  });
});

describe('signing in before a page', () => {
  it('sends someone without a session to sign in, and back to the page and its query after', async () => {
    expect(await admitPage('/services/traction', '?state=verified', host, signInRequired)).toEqual({
      kind: 'sign-in',
      location: 'http://board.example:3000/signin?returnTo=%2Fservices%2Ftraction%3Fstate%3Dverified',
    });
  });

  it('builds the sign-in address from PUBLIC_URL when one is set, not from what the request says', async () => {
    const config = parseConfig({ ...oidcEnv, PUBLIC_URL: 'https://board.internal' });
    expect(await admitPage('/', '', { host: 'evil.example' }, config)).toMatchObject({
      location: 'https://board.internal/signin?returnTo=%2F',
    });
  });

  it('sends a request that names no host to sign in on this machine', async () => {
    expect(await admitPage('/', '', {}, signInRequired)).toEqual({
      kind: 'sign-in',
      location: 'http://localhost/signin?returnTo=%2F',
    });
  });

  it('always lets anyone open the sign-in page itself', async () => {
    expect((await admitPage('/signin', '?returnTo=%2F', host, signInRequired)).kind).toBe('page');
  });

  it('lets a signed-in person through, and anyone when anonymous viewing is on', async () => {
    const key = authSettings(signInRequired).sessionKey;
    if (!key) throw new Error('no session key');
    const cookie = `${SESSION_COOKIE}=${await seal('session', { subject: 'erin', name: 'Erin', groups: [] }, key, 3600, Date.now())}`;
    expect((await admitPage('/progress', '', { ...host, cookie }, signInRequired)).kind).toBe('page');
    expect(
      (await admitPage('/progress', '', { ...host, cookie: `${SESSION_COOKIE}=forged` }, signInRequired)).kind,
    ).toBe('sign-in');
    const anonymousView = parseConfig({ ...oidcEnv, AUTH_ANONYMOUS: 'view' });
    expect((await admitPage('/progress', '', host, anonymousView)).kind).toBe('page');
  });
});

describe('who is looking, for the page cache', () => {
  const viewerOf = (admission: Awaited<ReturnType<typeof admitPage>>) =>
    admission.kind === 'page' ? admission.viewer : `not a page: ${admission.kind}`;
  const session = async (subject: string, name: string, groups: string[], config = signInRequired) => {
    const key = authSettings(config).sessionKey;
    if (!key) throw new Error('no session key');
    return `${SESSION_COOKIE}=${await seal('session', { subject, name, groups }, key, 3600, Date.now())}`;
  };

  it('tells people apart by who they are, their name and their roles, and nobody from anonymous', async () => {
    const config = parseConfig({ ...oidcEnv, AUTH_ANONYMOUS: 'view', AUTH_ADMIN_GROUPS: 'ops' });
    const erin = await admitPage('/', '', { ...host, cookie: await session('erin', 'Erin', [], config) }, config);
    const erinAgain = await admitPage('/', '', { ...host, cookie: await session('erin', 'Erin', [], config) }, config);
    const erinAdmin = await admitPage(
      '/',
      '',
      { ...host, cookie: await session('erin', 'Erin', ['ops'], config) },
      config,
    );
    const renamed = await admitPage('/', '', { ...host, cookie: await session('erin', 'Erin B.', [], config) }, config);
    const frank = await admitPage('/', '', { ...host, cookie: await session('frank', 'Erin', [], config) }, config);
    const nobody = await admitPage('/', '', host, config);
    expect(viewerOf(erinAgain)).toBe(viewerOf(erin));
    const viewers = [erin, erinAdmin, renamed, frank, nobody].map(viewerOf);
    expect(new Set(viewers).size).toBe(5);
    expect(viewerOf(nobody)).toBe('anonymous');
    // A forged cookie is nobody, never someone else's page.
    expect(viewerOf(await admitPage('/', '', { ...host, cookie: `${SESSION_COOKIE}=forged` }, config))).toBe(
      'anonymous',
    );
  });
});

describe('pages outside the board’s own server', () => {
  it('render nothing: under a plain next start nobody asked for a sign-in or set the CSP', () => {
    expect(() => requireAdmittingServer({})).toThrow(
      'Pages render only behind the board’s own server (npm start or npm run dev, scripts/board-server.mjs): ' +
        'it asks for sign-in and sets each page’s Content-Security-Policy. A plain `next start` or `next dev` does neither.',
    );
    expect(() => requireAdmittingServer({ ROLLOUT_BOARD_PEER_HEADER: '0' })).toThrow();
    expect(() => requireAdmittingServer({ ROLLOUT_BOARD_PEER_HEADER: '1' })).not.toThrow();
  });

  it('hands the board’s server the admission and the headers of the answers it writes itself', () => {
    publishPageAdmission();
    const holder = globalThis as unknown as Record<symbol, unknown>;
    expect(holder[Symbol.for('rollout-board.page-admission')]).toBe(admitPage);
    expect(holder[Symbol.for('rollout-board.security-headers')]).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
    });
  });
});
