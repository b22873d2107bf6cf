import { type ServerConfig, serverConfig } from '@/lib/config/env';
import { boardOrigin, identify, PEER_HEADER_FLAG } from './identify';
import { contentSecurityPolicy, SECURITY_HEADERS } from './security-headers';
import { authSettings } from './settings';

/** Pages anyone may open whatever AUTH_ANONYMOUS says: signing in itself. */
const OPEN_PAGES = ['/signin'];

/** Not pages: the API (its routes check their callers themselves), /faro and /metrics (machine callers), static files. */
const NOT_A_PAGE = /^\/(?:api\/|faro$|metrics$|_next\/static\/|_next\/image|favicon\.ico$|icon\.svg$)/;

/** What the board's server does with a request before Next sees it. */
export type PageAdmission =
  | { kind: 'not-a-page' }
  /**
   * A page: render it under this Content-Security-Policy, whose nonce Next puts on its inline scripts.
   * `viewer` says who is looking, as far as the page can tell (lib/server/page-cache.ts keeps pages by it).
   */
  | { kind: 'page'; contentSecurityPolicy: string; nonce: string; viewer: string }
  /** A page for the signed-in only, asked for by someone who is not: sign in first, then come back. */
  | { kind: 'sign-in'; location: string };

/**
 * Decides, for the board's own server (scripts/board-server.mjs), whether a request is for a page,
 * whether its caller may see it, and the page's CSP with a fresh nonce. This is the job a Next proxy
 * (middleware) would do, done outside Next because a proxy costs every page as much CPU again as the
 * whole /api/health route (issue 16's plan-size floor), even one that does nothing.
 */
export async function admitPage(
  pathname: string,
  search: string,
  headers: Record<string, string | string[] | undefined>,
  config: ServerConfig = serverConfig(),
): Promise<PageAdmission> {
  if (NOT_A_PAGE.test(pathname)) return { kind: 'not-a-page' };
  const settings = authSettings(config);
  const request = new Request(`http://${headers.host ?? 'localhost'}${pathname}${search}`, {
    headers: Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
    ),
  });
  const user = await identify(request.headers, settings);
  if (!user && !settings.anonymousView && !OPEN_PAGES.includes(pathname)) {
    const signIn = new URL('/signin', boardOrigin(request, settings));
    signIn.searchParams.set('returnTo', `${pathname}${search}`);
    return { kind: 'sign-in', location: signIn.toString() };
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  return {
    kind: 'page',
    contentSecurityPolicy: contentSecurityPolicy(nonce, config.FARO_ENABLED ? config.FARO_COLLECTOR_URL : null),
    nonce,
    // Everything of the user a page shows or decides by (pageViewer): two viewers alike here see the same page.
    viewer: user ? JSON.stringify([user.via, user.subject, user.name, [...user.roles].sort()]) : 'anonymous',
  };
}

// scripts/board-server.mjs is not bundled: it finds admitPage here, once instrumentation.ts has put it.
const KEY = Symbol.for('rollout-board.page-admission');
// ...and the headers every answer carries, for the few it writes itself (a sign-in redirect, a refusal).
const HEADERS_KEY = Symbol.for('rollout-board.security-headers');

/** Hands admitPage and the security headers to the board's server (once at start-up, by instrumentation.ts). */
export function publishPageAdmission(): void {
  const holder = globalThis as typeof globalThis & {
    [KEY]?: typeof admitPage;
    [HEADERS_KEY]?: Record<string, string>;
  };
  holder[HEADERS_KEY] = Object.fromEntries(SECURITY_HEADERS.map(({ key, value }) => [key, value]));
  holder[KEY] = admitPage;
}

/**
 * Throws unless this process is the board's own server (it sets PEER_HEADER_FLAG), which admitted the
 * page now rendering. Under a plain `next start` or `next dev` nobody asked for a sign-in or set the CSP,
 * so the root layout renders no page there rather than one anyone may read.
 */
export function requireAdmittingServer(env: Record<string, string | undefined> = process.env): void {
  if (env[PEER_HEADER_FLAG] !== '1') {
    throw new Error(
      'Pages render only behind the board’s own server (npm start or npm run dev, scripts/board-server.mjs): ' +
        'it asks for sign-in and sets each page’s Content-Security-Policy. A plain `next start` or `next dev` does neither.',
    );
  }
}
