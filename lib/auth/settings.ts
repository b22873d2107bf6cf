import { hkdfSync } from 'node:crypto';
import type { Cidr } from '../config/cidr';
import { type ServerConfig, serverConfig } from '../config/env';
import type { RoleGroups } from './roles';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  groupsClaim: string;
}

export interface ProxySettings {
  userHeader: string;
  groupsHeader: string;
  trusted: Cidr[];
}

export interface AuthSettings extends RoleGroups {
  oidc: OidcSettings | null;
  proxy: ProxySettings | null;
  /** Whether some way of signing in is configured; without one the board is read-only for everyone. */
  signInConfigured: boolean;
  /** Anyone may read without signing in (AUTH_ANONYMOUS=view, or no sign-in configured at all). */
  anonymousView: boolean;
  /** Encrypts the session cookie; null when no OIDC sign-in (no cookie sessions then). */
  sessionKey: Uint8Array | null;
  sessionMaxAgeMs: number;
  publicUrl: URL | null;
  /** Set by `npm start` when it runs the demo (then the sign-in page names the demo users). */
  demo: boolean;
}

const cache = new WeakMap<ServerConfig, AuthSettings>();

/** Sign-in settings derived from the configuration (lib/config/env.ts holds the variables). */
export function authSettings(config: ServerConfig = serverConfig()): AuthSettings {
  const cached = cache.get(config);
  if (cached) return cached;
  const oidc =
    config.AUTH_OIDC_ISSUER && config.AUTH_OIDC_CLIENT_ID && config.AUTH_OIDC_CLIENT_SECRET
      ? {
          issuer: config.AUTH_OIDC_ISSUER,
          clientId: config.AUTH_OIDC_CLIENT_ID,
          clientSecret: config.AUTH_OIDC_CLIENT_SECRET,
          scopes: config.AUTH_OIDC_SCOPES,
          groupsClaim: config.AUTH_OIDC_GROUPS_CLAIM,
        }
      : null;
  const proxy =
    config.AUTH_TRUSTED_PROXIES.length > 0
      ? {
          userHeader: config.AUTH_PROXY_USER_HEADER.toLowerCase(),
          groupsHeader: config.AUTH_PROXY_GROUPS_HEADER.toLowerCase(),
          trusted: config.AUTH_TRUSTED_PROXIES,
        }
      : null;
  const keyMaterial = config.AUTH_SESSION_SECRET ?? oidc?.clientSecret;
  const settings: AuthSettings = {
    oidc,
    proxy,
    signInConfigured: Boolean(oidc || proxy),
    anonymousView: config.AUTH_ANONYMOUS === 'view' || !(oidc || proxy),
    // A derived key, so the client secret itself never encrypts anything and rotating it ends every session.
    sessionKey: keyMaterial
      ? new Uint8Array(hkdfSync('sha256', keyMaterial, 'rollout-board', 'session cookie (A256GCM)', 32))
      : null,
    sessionMaxAgeMs: config.AUTH_SESSION_MAX_AGE,
    publicUrl: config.PUBLIC_URL ? new URL(config.PUBLIC_URL) : null,
    engineerGroups: config.AUTH_ENGINEER_GROUPS,
    adminGroups: config.AUTH_ADMIN_GROUPS,
    demo: config.DEMO_SIMULATORS.length > 0,
  };
  cache.set(config, settings);
  return settings;
}

/** The read-only banner's text: set when no sign-in is configured (then no one can act), else null. */
export const readOnlyNotice = (settings: Pick<AuthSettings, 'signInConfigured'>) =>
  settings.signInConfigured ? null : SIGN_IN_NOT_CONFIGURED;

/** What the read-only banner and a refused action say when no sign-in is configured. */
export const SIGN_IN_NOT_CONFIGURED =
  'Actions are off: no sign-in is configured. Set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET ' +
  '(OpenID Connect), or AUTH_TRUSTED_PROXIES behind an auth proxy, then AUTH_ENGINEER_GROUPS and AUTH_ADMIN_GROUPS.';
