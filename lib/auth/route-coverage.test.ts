import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Who may act is decided per route (runAction, readRoute, requireRole), not by a proxy in front of the
// API (that would make Next buffer every request body). So a new route that forgets it must fail here.
const APP = path.resolve(import.meta.dirname, '../../app');

const routeFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === 'route.ts' ? [full] : [];
  });

const routes = routeFiles(APP).map((file) => ({
  path: `/${path.relative(APP, path.dirname(file)).replaceAll(path.sep, '/')}`,
  source: readFileSync(file, 'utf8'),
}));

/** Routes that authenticate otherwise: GitHub's HMAC, the Faro SDK's beacon, the sign-in flow itself. */
const OPEN_WRITES = new Set(['/api/github/webhook', '/faro', '/api/auth/signout']);
/** Reads that never need a session: probes, metrics, the sign-in redirects. */
const OPEN_READS = new Set(['/api/health', '/metrics', '/api/auth/signin', '/api/auth/callback', '/faro']);
/** A read for a stricter role than viewer (e.g. admins' audit trail) asks for it itself. */
const STRICTER_ROLE = /requireRole\(request, '(engineer|admin)'\)/;

const handles = (source: string, method: string) =>
  new RegExp(`export (const|async function|function) ${method}\\b`).test(source);

describe('every route decides who may use it', () => {
  it('sends every state-changing handler through runAction (role, cross-site, fair use, audit)', () => {
    const unguarded = routes
      .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].some((m) => handles(r.source, m)))
      .filter((r) => !OPEN_WRITES.has(r.path) && !r.source.includes('runAction('))
      .map((r) => r.path);
    expect(unguarded).toEqual([]);
    expect(routes.find((r) => r.path === '/api/auth/signout')?.source).toContain('signOut');
  });

  it('wraps every read of the JSON API in readRoute, or asks for a stricter role', () => {
    const unguarded = routes
      .filter((r) => handles(r.source, 'GET') && !OPEN_READS.has(r.path))
      .filter((r) => !r.source.includes('readRoute(') && !STRICTER_ROLE.test(r.source))
      .map((r) => r.path);
    expect(unguarded).toEqual([]);
    expect(STRICTER_ROLE.test(routes.find((r) => r.path === '/api/audit')?.source ?? '')).toBe(true);
  });
});
