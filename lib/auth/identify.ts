import { addressInCidrs } from '../config/cidr';
import { parseGroups, rolesFromGroups, type User } from './roles';
import { readCookie, SESSION_COOKIE, sessionData, unseal } from './session';
import type { AuthSettings } from './settings';

/**
 * The TCP peer's address, set by the board's own server (scripts/board-server.mjs) on every request,
 * overwriting whatever a client sent. Only believed when that server says it sets it: under a plain
 * `next start` the header would be the client's word, so trusted headers stay off.
 */
export const PEER_HEADER = 'x-rollout-board-peer';
export const PEER_HEADER_FLAG = 'ROLLOUT_BOARD_PEER_HEADER';

export function peerAddress(headers: Headers): string | null {
  return process.env[PEER_HEADER_FLAG] === '1' ? headers.get(PEER_HEADER) : null;
}

/** The person behind a request, or null (not signed in). Roles follow the current group settings. */
export async function identify(headers: Headers, settings: AuthSettings): Promise<User | null> {
  if (settings.proxy) {
    const peer = peerAddress(headers);
    // From anywhere but the configured proxies these headers are anyone's word: ignored.
    if (peer && addressInCidrs(peer, settings.proxy.trusted)) {
      const subject = headers.get(settings.proxy.userHeader)?.trim();
      if (subject) {
        const groups = parseGroups(headers.get(settings.proxy.groupsHeader) ?? '');
        return { subject, name: subject, groups, roles: rolesFromGroups(groups, settings), via: 'proxy' };
      }
    }
  }
  if (settings.oidc && settings.sessionKey) {
    const token = readCookie(headers, SESSION_COOKIE);
    const session = token ? await unseal('session', token, settings.sessionKey, sessionData) : null;
    if (session && typeof session.subject === 'string') {
      const groups = parseGroups(session.groups);
      return {
        subject: session.subject,
        name: typeof session.name === 'string' ? session.name : session.subject,
        groups,
        roles: rolesFromGroups(groups, settings),
        via: 'oidc',
      };
    }
  }
  return null;
}

/** The origin browsers use for the board: PUBLIC_URL, else what the request (or the proxy in front) says. */
export function boardOrigin(request: Request, settings: Pick<AuthSettings, 'publicUrl'>): string {
  if (settings.publicUrl) return settings.publicUrl.origin;
  const url = new URL(request.url);
  const first = (name: string) => request.headers.get(name)?.split(',')[0]?.trim() || undefined;
  const proto = first('x-forwarded-proto') ?? url.protocol.replace(/:$/, '');
  const host = first('x-forwarded-host') ?? first('host') ?? url.host;
  return `${proto}://${host}`;
}

/** Cookies get Secure when browsers reach the board over https. */
export const isHttps = (request: Request, settings: Pick<AuthSettings, 'publicUrl'>) =>
  boardOrigin(request, settings).startsWith('https:');
