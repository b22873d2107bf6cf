'use client';

import { createContext, type ReactNode, useContext } from 'react';
import type { Role, Viewer } from '@/lib/auth/roles';

const ViewerContext = createContext<Viewer>({ name: null, roles: [], signInConfigured: false, oidc: false });

export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export const useViewer = () => useContext(ViewerContext);

const WHAT: Record<Role, string> = { viewer: 'read', engineer: 'start runs and sign off', admin: 'do this' };

/**
 * Whether the viewer may take an action needing `role`, and if not, why (shown next to the disabled
 * control). The server decides for real; this only keeps the UI honest about it.
 */
export function usePermission(role: Role): { allowed: boolean; reason: string | null } {
  const viewer = useViewer();
  if (viewer.roles.includes(role)) return { allowed: true, reason: null };
  if (!viewer.signInConfigured) return { allowed: false, reason: 'Actions are off: no sign-in is configured.' };
  if (!viewer.name) return { allowed: false, reason: `Sign in as an ${role} to ${WHAT[role]}.` };
  return {
    allowed: false,
    reason: `Needs the ${role} role; you are signed in as ${viewer.name} (${viewer.roles.at(-1) ?? 'viewer'}).`,
  };
}
