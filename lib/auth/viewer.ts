import { headers } from 'next/headers';
import { cache } from 'react';
import { identify } from './identify';
import type { User, Viewer } from './roles';
import { authSettings } from './settings';

/**
 * Who is looking at a page (server components), or null when not signed in. Once per request: the
 * layout, its user menu and the page each ask, and with an OIDC session every answer decrypted the
 * session cookie again. React's cache() lives for one request only, so no answer outlives it.
 */
export const pageUser: () => Promise<User | null> = cache(async () => identify(await headers(), authSettings()));

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
