/** What a person may do on the board; each role includes the ones before it. */
export const ROLES = ['viewer', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: a signed-in person, someone behind the auth proxy, or an anonymous reader. */
export interface User {
  /** Stable id: the OIDC subject, or the proxy's user header. */
  subject: string;
  /** What the UI and the audit trail show. */
  name: string;
  groups: string[];
  roles: Role[];
  via: 'oidc' | 'proxy' | 'anonymous';
}

export interface RoleGroups {
  engineerGroups: readonly string[];
  adminGroups: readonly string[];
}

/** Admins are engineers too; everyone signed in may read. */
export function rolesFromGroups(groups: readonly string[], { engineerGroups, adminGroups }: RoleGroups): Role[] {
  if (groups.some((group) => adminGroups.includes(group))) return ['viewer', 'engineer', 'admin'];
  if (groups.some((group) => engineerGroups.includes(group))) return ['viewer', 'engineer'];
  return ['viewer'];
}

export const hasRole = (user: Pick<User, 'roles'> | null | undefined, role: Role) =>
  Boolean(user?.roles.includes(role));

/** The highest role, for labels ("engineer"). */
export const topRole = (user: Pick<User, 'roles'>): Role =>
  [...ROLES].reverse().find((role) => user.roles.includes(role)) ?? 'viewer';

/**
 * Groups as a provider or proxy hands them over: a JSON list in a claim, or one comma-separated string
 * (oauth2-proxy's X-Forwarded-Groups). Anything else counts as no groups.
 */
export function parseGroups(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return [
    ...new Set(
      items
        .filter((item): item is string => typeof item === 'string')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ].slice(0, 200);
}

export const ANONYMOUS_USER: User = {
  subject: 'anonymous',
  name: 'anonymous',
  groups: [],
  roles: ['viewer'],
  via: 'anonymous',
};

/** What the browser may know about who is looking: name and roles, never groups, tokens or keys. */
export interface Viewer {
  name: string | null;
  roles: Role[];
  /** Whether any sign-in is configured; when not, the board is read-only for everyone. */
  signInConfigured: boolean;
  /** Whether this board signs in with OpenID Connect (else the auth proxy in front does it). */
  oidc: boolean;
}
