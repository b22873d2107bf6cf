import { type NextRequest, NextResponse } from 'next/server';
import { ApiError, errorResponse } from '@/lib/api/errors';
import { crossSiteRefusal } from '@/lib/auth/cross-site';
import { boardOrigin, identify } from '@/lib/auth/identify';
import { contentSecurityPolicy } from '@/lib/auth/security-headers';
import { authSettings } from '@/lib/auth/settings';
import { serverConfig } from '@/lib/config/env';

/** Reachable without a session whatever AUTH_ANONYMOUS says: probes, metrics, sign-in itself, machine callers. */
const OPEN_PATHS = ['/api/health', '/metrics', '/signin', '/faro', '/api/github/webhook'];
const OPEN_PREFIXES = ['/api/auth/'];

const isOpen = (path: string) => OPEN_PATHS.includes(path) || OPEN_PREFIXES.some((prefix) => path.startsWith(prefix));

/**
 * Runs before every route and page: refuses cross-site and non-JSON state changes (every action route
 * at once, so none can forget), asks for a sign-in where anonymous reading is off, and gives each page
 * its Content-Security-Policy with a fresh nonce for Next's own inline scripts.
 * Who may *act* is decided in each action route (lib/auth/action.ts), next to what it does.
 */
export async function proxy(request: NextRequest) {
  const settings = authSettings();
  const path = request.nextUrl.pathname;
  const refusal = crossSiteRefusal(request, boardOrigin(request, settings));
  if (refusal) return errorResponse(refusal);

  if (!settings.anonymousView && !isOpen(path) && (request.method === 'GET' || request.method === 'HEAD')) {
    if (!(await identify(request.headers, settings))) {
      if (path.startsWith('/api/') || path.endsWith('.csv') || path.endsWith('.json')) {
        return errorResponse(
          new ApiError('unauthorized', 'Sign in first (/signin): reading this board needs a sign-in.'),
        );
      }
      const signIn = new URL('/signin', boardOrigin(request, settings));
      signIn.searchParams.set('returnTo', `${path}${request.nextUrl.search}`);
      return NextResponse.redirect(signIn, 303);
    }
  }

  if (path.startsWith('/api/')) return NextResponse.next();
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
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
