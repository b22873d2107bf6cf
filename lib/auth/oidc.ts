import * as client from 'openid-client';
import { z } from 'zod';
import { fetchBounded, isReplyTooLarge } from '../http/bounded';
import { parseGroups } from './roles';
import type { SessionData } from './session';
import type { OidcSettings } from './settings';

/** The provider's answers are small JSON documents; anything bigger is refused, not buffered. */
const MAX_RESPONSE_BYTES = 256 * 1024;
const TIMEOUT_SECONDS = 10;

/**
 * The provider's answers through the one bounded fetch (lib/http/bounded): openid-client's own `timeout` signal
 * is joined with the same limit, and a body over the cap is refused while it streams in.
 */
const cappedFetch: client.CustomFetch = async (url, options) => {
  try {
    const reply = await fetchBounded(url, options as RequestInit, {
      timeoutMs: TIMEOUT_SECONDS * 1000,
      maxBytes: MAX_RESPONSE_BYTES,
    });
    return new Response(reply.body.length > 0 ? new Uint8Array(reply.body) : null, {
      status: reply.status,
      statusText: reply.statusText,
      headers: reply.headers,
    });
  } catch (error) {
    if (isReplyTooLarge(error)) throw new Error(`the provider's answer from ${url} is over 256 KiB`);
    throw error;
  }
};

const discovered = new Map<string, Promise<client.Configuration>>();

/** The provider's metadata, discovered once per process (a failure is retried on the next sign-in). */
export function providerConfiguration(oidc: OidcSettings): Promise<client.Configuration> {
  const key = `${oidc.issuer} ${oidc.clientId}`;
  let configuration = discovered.get(key);
  if (!configuration) {
    configuration = client.discovery(
      new URL(oidc.issuer),
      oidc.clientId,
      undefined,
      client.ClientSecretBasic(oidc.clientSecret),
      {
        timeout: TIMEOUT_SECONDS,
        [client.customFetch]: cappedFetch,
        // An http:// issuer is the operator's explicit choice (e.g. an in-cluster Dex); https stays required otherwise.
        execute: oidc.issuer.startsWith('http://') ? [client.allowInsecureRequests] : [],
      },
    );
    configuration.catch(() => discovered.delete(key));
    discovered.set(key, configuration);
  }
  return configuration;
}

/** What the board remembers between the redirect to the provider and the callback. */
/** What the login cookie carries between the redirect to the provider and its callback. */
export const loginState = z.object({
  verifier: z.string(),
  state: z.string(),
  nonce: z.string(),
  returnTo: z.string(),
});
export type LoginState = z.infer<typeof loginState>;

/** The provider's authorization URL for a new sign-in (code flow, PKCE S256, state and nonce). */
export async function startSignIn(
  oidc: OidcSettings,
  redirectUri: string,
  returnTo: string,
): Promise<{ url: URL; login: LoginState }> {
  const configuration = await providerConfiguration(oidc);
  const login: LoginState = {
    verifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
    returnTo,
  };
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: oidc.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(login.verifier),
    code_challenge_method: 'S256',
    state: login.state,
    nonce: login.nonce,
  });
  return { url, login };
}

/**
 * Exchanges the callback's code (openid-client checks state, PKCE, the ID token's signature, issuer,
 * audience, nonce and expiry) and returns who signed in. Groups come from the ID token, else from userinfo.
 */
export async function completeSignIn(oidc: OidcSettings, callbackUrl: URL, login: LoginState): Promise<SessionData> {
  const configuration = await providerConfiguration(oidc);
  const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
    pkceCodeVerifier: login.verifier,
    expectedState: login.state,
    expectedNonce: login.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('the provider returned no ID token');
  let profile: Record<string, unknown> = claims;
  if (!(oidc.groupsClaim in claims) && configuration.serverMetadata().userinfo_endpoint) {
    profile = { ...(await client.fetchUserInfo(configuration, tokens.access_token, claims.sub)), ...claims };
  }
  const text = (name: string) => (typeof profile[name] === 'string' ? (profile[name] as string) : undefined);
  return {
    subject: claims.sub,
    name: text('name') ?? text('preferred_username') ?? text('email') ?? claims.sub,
    groups: parseGroups(profile[oidc.groupsClaim]),
    idToken: tokens.id_token,
  };
}

/** Where to send the browser to end the provider's session too, when the provider supports it. */
export async function signOutUrl(oidc: OidcSettings, postLogoutRedirectUri: string, idToken?: string) {
  const configuration = await providerConfiguration(oidc);
  if (!configuration.serverMetadata().end_session_endpoint) return null;
  return client.buildEndSessionUrl(configuration, {
    post_logout_redirect_uri: postLogoutRedirectUri,
    client_id: oidc.clientId,
    ...(idToken ? { id_token_hint: idToken } : {}),
  });
}

/** Only a path on the board itself: never an absolute URL (an open redirect after sign-in). */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value.slice(0, 2000);
}
