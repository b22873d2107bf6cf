import { type NextRequest, NextResponse } from 'next/server';
import { boardOrigin, identify } from '@/lib/auth/identify';
import { contentSecurityPolicy } from '@/lib/auth/security-headers';
import { authSettings } from '@/lib/auth/settings';
import { serverConfig } from '@/lib/config/env';

/** Pages anyone may open whatever AUTH_ANONYMOUS says: signing in itself. */
const OPEN_PAGES = ['/signin'];

/**
 * Runs before every page (not the API: a proxy makes Next buffer request bodies before the routes' own
 * caps apply; API reads use readRoute and actions runAction, both in lib/auth). Asks for a sign-in where
 * anonymous reading is off, and gives each page its Content-Security-Policy with a fresh nonce for
 * Next's own inline scripts.
 */
export async function proxy(request: NextRequest) {
  const settings = authSettings();
  const path = request.nextUrl.pathname;
  if (!settings.anonymousView && !OPEN_PAGES.includes(path) && !(await identify(request.headers, settings))) {
    const signIn = new URL('/signin', boardOrigin(request, settings));
    signIn.searchParams.set('returnTo', `${path}${request.nextUrl.search}`);
    return NextResponse.redirect(signIn, 303);
  }
  const config = serverConfig();
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce, config.FARO_ENABLED ? config.FARO_COLLECTOR_URL : null);
  const requestHeaders = new Headers(request.headers);
  // Next reads the nonce from the request's CSP header and puts it on the scripts it renders.
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  // Pages only: not the API, not /faro and /metrics (machine callers), not static files.
  matcher: ['/((?!api/|faro$|metrics$|_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
