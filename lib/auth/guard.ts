import { ApiError } from '../api/errors';
import { identify } from './identify';
import { ANONYMOUS_USER, hasRole, type Role, type User } from './roles';
import { type AuthSettings, authSettings, SIGN_IN_NOT_CONFIGURED } from './settings';

const ROLE_CAN: Record<Role, string> = {
  viewer: 'read the board',
  engineer: 'start syncs, verifications and evidence checks, and sign off criteria',
  admin: "revoke anyone's sign-off and read the audit trail",
};

function groupsFor(role: Role, settings: AuthSettings): string {
  const groups = role === 'admin' ? settings.adminGroups : [...settings.engineerGroups, ...settings.adminGroups];
  if (role === 'viewer') return 'any group';
  return groups.length > 0
    ? `one of the groups ${groups.join(', ')}`
    : `a group named in ${role === 'admin' ? 'AUTH_ADMIN_GROUPS' : 'AUTH_ENGINEER_GROUPS'} (none is set)`;
}

/**
 * Decides whether a request may go on with `role`: returns who asks, or throws an ApiError
 * (401 not signed in, 403 not allowed) for the route to answer. Reading (viewer) is open to anonymous
 * visitors when AUTH_ANONYMOUS=view or no sign-in is configured; actions always need a signed-in role.
 */
export async function requireRole(
  request: Request,
  role: Role,
  settings: AuthSettings = authSettings(),
): Promise<User> {
  const user = await identify(request.headers, settings);
  if (user && hasRole(user, role)) return user;
  if (!user && role === 'viewer' && settings.anonymousView) return ANONYMOUS_USER;
  if (!settings.signInConfigured) throw new ApiError('forbidden', SIGN_IN_NOT_CONFIGURED);
  if (!user) {
    throw new ApiError('unauthorized', `Sign in first (/signin): you need the ${role} role to ${ROLE_CAN[role]}.`);
  }
  throw new ApiError(
    'forbidden',
    `Not allowed: ${user.name} may not ${ROLE_CAN[role]}; that needs the ${role} role (${groupsFor(role, settings)}).`,
  );
}

/** Who asks, or null; for showing what someone may do, never for deciding it (requireRole decides). */
export async function currentUser(
  request: Pick<Request, 'headers'>,
  settings: AuthSettings = authSettings(),
): Promise<User | null> {
  return identify(request.headers, settings);
}
