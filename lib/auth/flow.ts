import { errorResponse } from '../api/errors';
import { recordAudit } from '../audit/record';
import { crossSiteRefusal } from './cross-site';
import { boardOrigin, identify, isHttps } from './identify';
import { completeSignIn, loginState, safeReturnTo, signOutUrl, startSignIn } from './oidc';
import {
  clearCookieHeader,
  cookieHeader,
  LOGIN_COOKIE,
  readCookie,
  SESSION_COOKIE,
  type SessionData,
  sessionData,
  seal,
  unseal,
} from './session';
import { type AuthSettings, authSettings } from './settings';
import { errorFields, logger } from '../log/logger';

/** The redirect URI to register at the provider. */
export const CALLBACK_PATH = '/api/auth/callback';
const LOGIN_MAX_AGE_SECONDS = 600;

const redirect = (location: string, cookies: string[] = []) => {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
};

const signInPage = (message: string) => `/signin?error=${encodeURIComponent(message)}`;

/** GET /api/auth/signin: sends the browser to the provider, remembering state, nonce and PKCE verifier. */
export async function beginSignIn(request: Request, settings: AuthSettings = authSettings()): Promise<Response> {
  const returnTo = safeReturnTo(new URL(request.url).searchParams.get('returnTo'));
  if (!settings.oidc || !settings.sessionKey) return redirect(signInPage('OpenID Connect sign-in is not configured.'));
  try {
    const origin = boardOrigin(request, settings);
    const { url, login } = await startSignIn(settings.oidc, `${origin}${CALLBACK_PATH}`, returnTo);
    const sealed = await seal('login', login, settings.sessionKey, LOGIN_MAX_AGE_SECONDS);
    const secure = isHttps(request, settings);
    return redirect(url.href, [cookieHeader(LOGIN_COOKIE, sealed, { secure, maxAgeSeconds: LOGIN_MAX_AGE_SECONDS })]);
  } catch (error) {
    logger().error(errorFields(error), 'Sign-in could not start');
    return redirect(signInPage('The sign-in provider could not be reached; try again, or ask an admin to check it.'));
  }
}

/** GET /api/auth/callback: completes the code flow, sets the session cookie, records the sign-in. */
export async function finishSignIn(request: Request, settings: AuthSettings = authSettings()): Promise<Response> {
  if (!settings.oidc || !settings.sessionKey) return redirect(signInPage('OpenID Connect sign-in is not configured.'));
  const secure = isHttps(request, settings);
  const clearLogin = clearCookieHeader(LOGIN_COOKIE, secure);
  const token = readCookie(request.headers, LOGIN_COOKIE);
  const login = token ? await unseal('login', token, settings.sessionKey, loginState) : null;
  if (!login)
    return redirect(signInPage('The sign-in took too long or started elsewhere; please sign in again.'), [clearLogin]);
  const url = new URL(request.url);
  const providerError = url.searchParams.get('error');
  if (providerError) {
    const description = url.searchParams.get('error_description') ?? providerError;
    return redirect(signInPage(`The provider refused the sign-in: ${description.slice(0, 200)}`), [clearLogin]);
  }
  // The provider redirects to the registered URI: rebuild it from the board's origin, not the internal URL.
  const callbackUrl = new URL(`${boardOrigin(request, settings)}${CALLBACK_PATH}${url.search}`);
  let session: SessionData;
  try {
    session = await completeSignIn(settings.oidc, callbackUrl, login);
  } catch (error) {
    logger().error(errorFields(error), 'Sign-in failed');
    await recordAudit({
      actor: 'unknown',
      action: 'sign-in',
      target: 'board',
      outcome: 'failed',
      detail: 'code exchange or ID token check failed',
    });
    return redirect(signInPage('Sign-in failed at the token exchange; please try again.'), [clearLogin]);
  }
  const maxAgeSeconds = Math.floor(settings.sessionMaxAgeMs / 1000);
  const sealed = await seal('session', session, settings.sessionKey, maxAgeSeconds);
  const user = await identify(new Headers({ cookie: `${SESSION_COOKIE}=${sealed}` }), settings);
  await recordAudit({
    actor: session.name,
    actorSubject: session.subject,
    roles: user?.roles,
    action: 'sign-in',
    target: 'board',
    outcome: 'ok',
  });
  return redirect(login.returnTo, [clearLogin, cookieHeader(SESSION_COOKIE, sealed, { secure, maxAgeSeconds })]);
}

/** POST /api/auth/signout: ends the board's session; answers where to go to end the provider's too. */
export async function signOut(request: Request, settings: AuthSettings = authSettings()): Promise<Response> {
  const crossSite = crossSiteRefusal(request, boardOrigin(request, settings));
  if (crossSite) return errorResponse(crossSite);
  const secure = isHttps(request, settings);
  const token = readCookie(request.headers, SESSION_COOKIE);
  const session =
    token && settings.sessionKey ? await unseal('session', token, settings.sessionKey, sessionData) : null;
  let redirectTo = '/signin?signedOut=1';
  if (session) {
    await recordAudit({
      actor: session.name,
      actorSubject: session.subject,
      action: 'sign-out',
      target: 'board',
      outcome: 'ok',
    });
    if (settings.oidc) {
      const origin = boardOrigin(request, settings);
      const url = await signOutUrl(settings.oidc, `${origin}/signin?signedOut=1`, session.idToken).catch(() => null);
      if (url) redirectTo = url.href;
    }
  }
  const headers = new Headers({ 'cache-control': 'no-store' });
  headers.append('set-cookie', clearCookieHeader(SESSION_COOKIE, secure));
  return Response.json({ signedOut: Boolean(session), redirectTo }, { headers });
}
