import { headers } from 'next/headers';
import { identify } from './identify';
import type { User, Viewer } from './roles';
import { authSettings } from './settings';

/** Who is looking at a page (server components), or null when not signed in. */
export async function pageUser(): Promise<User | null> {
  return identify(await headers(), authSettings());
}

/** What the browser may know about the viewer: name and roles, never groups, tokens or keys. */
export async function pageViewer(): Promise<Viewer> {
  const settings = authSettings();
  const user = await pageUser();
  return {
    name: user?.name ?? null,
    roles: user?.roles ?? (settings.anonymousView ? ['viewer'] : []),
    signInConfigured: settings.signInConfigured,
    oidc: Boolean(settings.oidc),
  };
}
