import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config/env';
import { ApiError, errorResponse } from '../api/errors';
import { currentUser, requireRole } from './guard';
import { PEER_HEADER, PEER_HEADER_FLAG } from './identify';
import { hasRole, parseGroups, rolesFromGroups, topRole } from './roles';
import { SESSION_COOKIE, seal } from './session';
import { authSettings, readOnlyNotice } from './settings';

const oidcEnv = {
  AUTH_OIDC_ISSUER: 'http://127.0.0.1:9/',
  AUTH_OIDC_CLIENT_ID: 'rollout-board',
  AUTH_OIDC_CLIENT_SECRET: 'client-secret-that-is-long-enough-0123456789',
  AUTH_ENGINEER_GROUPS: 'sre, platform',
  AUTH_ADMIN_GROUPS: 'board-admins',
};

const settingsFor = (env: Record<string, string>) => authSettings(parseConfig(env));

async function sessionCookie(env: Record<string, string>, session: object, maxAgeSeconds = 3600, now = Date.now()) {
  const key = settingsFor(env).sessionKey;
  if (!key) throw new Error('no session key');
  return `${SESSION_COOKIE}=${await seal('session', session, key, maxAgeSeconds, now)}`;
}

const request = (headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1:3000/api/verify', { method: 'POST', headers });

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  const response = errorResponse(error as ApiError);
  return { status: response.status, body: (await response.json()) as { error: string } };
}

describe('roles from groups', () => {
  const groups = { engineerGroups: ['sre'], adminGroups: ['admins'] };
  it('makes admins engineers too, and everyone signed in a viewer', () => {
    expect(rolesFromGroups(['admins'], groups)).toEqual(['viewer', 'engineer', 'admin']);
    expect(rolesFromGroups(['dev', 'sre'], groups)).toEqual(['viewer', 'engineer']);
    expect(rolesFromGroups(['dev'], groups)).toEqual(['viewer']);
    expect(rolesFromGroups([], { engineerGroups: [], adminGroups: [] })).toEqual(['viewer']);
  });

  it('reads groups from a claim list or a comma-separated header, trimmed, each once, strings only', () => {
    expect(parseGroups('sre, platform ,sre,, ')).toEqual(['sre', 'platform']);
    expect(parseGroups([' sre', 7, null, 'admins', 'sre', ''])).toEqual(['sre', 'admins']);
    for (const nothing of [undefined, null, 42, { groups: ['sre'] }]) expect(parseGroups(nothing)).toEqual([]);
    // A token stuffed with groups keeps 200 of them.
    expect(parseGroups(Array.from({ length: 250 }, (_, i) => `g${i}`))).toHaveLength(200);
  });

  it('names the highest role, and no one without roles has any', () => {
    expect(topRole({ roles: ['viewer', 'engineer', 'admin'] })).toBe('admin');
    expect(topRole({ roles: ['viewer', 'engineer'] })).toBe('engineer');
    expect(topRole({ roles: [] })).toBe('viewer');
    expect(hasRole(null, 'viewer')).toBe(false);
    expect(hasRole(undefined, 'viewer')).toBe(false);
    expect(hasRole({ roles: ['viewer'] }, 'engineer')).toBe(false);
  });
});

describe('requireRole with OpenID Connect sessions', () => {
  it('returns the signed-in engineer with roles from the session groups', async () => {
    const cookie = await sessionCookie(oidcEnv, { subject: 'u-1', name: 'Erin', groups: ['platform'] });
    const user = await requireRole(request({ cookie }), 'engineer', settingsFor(oidcEnv));
    expect(user).toMatchObject({ subject: 'u-1', name: 'Erin', roles: ['viewer', 'engineer'], via: 'oidc' });
  });

  it('answers 403 in the JSON error shape when the role is missing, naming the groups that grant it', async () => {
    const cookie = await sessionCookie(oidcEnv, { subject: 'u-2', name: 'Vic', groups: ['dev'] });
    const { status, body } = await refusal(requireRole(request({ cookie }), 'engineer', settingsFor(oidcEnv)));
    expect(status).toBe(403);
    expect(body.error).toBe(
      'Not allowed: Vic may not start syncs, verifications and evidence checks, and sign off criteria; that needs ' +
        'the engineer role (one of the groups sre, platform, board-admins).',
    );
    // Only the admin groups grant the admin role.
    const admin = await refusal(requireRole(request({ cookie }), 'admin', settingsFor(oidcEnv)));
    expect(admin.status).toBe(403);
    expect(admin.body.error).toBe(
      "Not allowed: Vic may not revoke anyone's sign-off and read the audit trail; that needs the admin role " +
        '(one of the groups board-admins).',
    );
  });

  it('says which setting names the groups when none grants the role', async () => {
    const env = { ...oidcEnv, AUTH_ENGINEER_GROUPS: '', AUTH_ADMIN_GROUPS: '' };
    const cookie = await sessionCookie(env, { subject: 'u-2', name: 'Vic', groups: ['dev'] });
    const engineer = await refusal(requireRole(request({ cookie }), 'engineer', settingsFor(env)));
    expect(engineer.body.error).toMatch(
      /needs the engineer role \(a group named in AUTH_ENGINEER_GROUPS \(none is set\)\)\.$/,
    );
    const admin = await refusal(requireRole(request({ cookie }), 'admin', settingsFor(env)));
    expect(admin.body.error).toMatch(/needs the admin role \(a group named in AUTH_ADMIN_GROUPS \(none is set\)\)\.$/);
  });

  it('answers 401 without a session, and for a tampered, expired or foreign-key cookie', async () => {
    const settings = settingsFor(oidcEnv);
    expect((await refusal(requireRole(request(), 'viewer', settings))).status).toBe(401);
    expect((await refusal(requireRole(request(), 'engineer', settings))).body.error).toBe(
      'Sign in first (/signin): you need the engineer role to start syncs, verifications and evidence checks, ' +
        'and sign off criteria.',
    );

    const good = await sessionCookie(oidcEnv, { subject: 'u-1', name: 'Erin', groups: ['sre'] });
    await expect(requireRole(request({ cookie: good }), 'engineer', settings)).resolves.toBeTruthy();
    // Flip one character of the ciphertext part.
    const parts = good.split('.');
    parts[3] = `${parts[3][0] === 'A' ? 'B' : 'A'}${parts[3].slice(1)}`;
    const tampered = parts.join('.');
    expect((await refusal(requireRole(request({ cookie: tampered }), 'engineer', settings))).status).toBe(401);

    const expired = await sessionCookie(
      oidcEnv,
      { subject: 'u-1', name: 'E', groups: ['sre'] },
      60,
      Date.now() - 61_000,
    );
    expect((await refusal(requireRole(request({ cookie: expired }), 'engineer', settings))).status).toBe(401);

    const otherKey = await sessionCookie(
      { ...oidcEnv, AUTH_SESSION_SECRET: 'another-session-secret-of-32-characters!' },
      { subject: 'u-1', name: 'E', groups: ['board-admins'] },
    );
    expect((await refusal(requireRole(request({ cookie: otherKey }), 'admin', settings))).status).toBe(401);
  });

  it('lets anonymous visitors read only when AUTH_ANONYMOUS=view, and never act', async () => {
    await expect(
      requireRole(request(), 'viewer', settingsFor({ ...oidcEnv, AUTH_ANONYMOUS: 'view' })),
    ).resolves.toEqual(expect.objectContaining({ via: 'anonymous', roles: ['viewer'] }));
    const acting = await refusal(
      requireRole(request(), 'engineer', settingsFor({ ...oidcEnv, AUTH_ANONYMOUS: 'view' })),
    );
    expect(acting.status).toBe(401);
  });

  it('keeps the board read-only for everyone when no sign-in is configured, saying what to set', async () => {
    const settings = settingsFor({ AUTH_ENGINEER_GROUPS: 'sre' });
    await expect(requireRole(request(), 'viewer', settings)).resolves.toMatchObject({ via: 'anonymous' });
    const { status, body } = await refusal(requireRole(request(), 'engineer', settings));
    expect(status).toBe(403);
    expect(body.error).toContain('AUTH_OIDC_ISSUER');
  });

  it('shows the read-only banner exactly when no sign-in method is configured', () => {
    expect(readOnlyNotice(settingsFor({}))).toContain('AUTH_TRUSTED_PROXIES');
    expect(readOnlyNotice(settingsFor({ AUTH_ANONYMOUS: 'view' }))).toContain('AUTH_OIDC_CLIENT_SECRET');
    expect(readOnlyNotice(settingsFor(oidcEnv))).toBeNull();
    expect(readOnlyNotice(settingsFor({ AUTH_TRUSTED_PROXIES: '10.0.0.0/8' }))).toBeNull();
    // Two of the three OIDC settings are not a sign-in method.
    expect(readOnlyNotice(settingsFor({ ...oidcEnv, AUTH_OIDC_CLIENT_SECRET: '' }))).not.toBeNull();
  });

  it('rejects a session secret too short to be a key', () => {
    expect(() => parseConfig({ AUTH_SESSION_SECRET: 'short' })).toThrow(ConfigError);
  });
});

describe('trusted headers', () => {
  const proxyEnv = { AUTH_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8', AUTH_ENGINEER_GROUPS: 'sre' };
  const fromProxy = (peer: string) =>
    request({ [PEER_HEADER]: peer, 'x-forwarded-user': 'pat@example.org', 'x-forwarded-groups': 'dev,sre' });

  beforeEach(() => {
    process.env[PEER_HEADER_FLAG] = '1';
  });
  afterEach(() => {
    delete process.env[PEER_HEADER_FLAG];
  });

  it('believes the user and groups headers from a configured proxy address', async () => {
    for (const peer of ['10.1.2.3', '::ffff:10.1.2.3', 'fd00::1']) {
      await expect(requireRole(fromProxy(peer), 'engineer', settingsFor(proxyEnv))).resolves.toMatchObject({
        subject: 'pat@example.org',
        groups: ['dev', 'sre'],
        via: 'proxy',
      });
    }
  });

  it('ignores them from any other address: the request is unauthenticated', async () => {
    for (const peer of ['127.0.0.1', '192.168.1.5', '11.0.0.1', 'fe80::1']) {
      expect(await currentUser(fromProxy(peer), settingsFor(proxyEnv))).toBeNull();
      expect((await refusal(requireRole(fromProxy(peer), 'engineer', settingsFor(proxyEnv)))).status).toBe(401);
    }
  });

  it('ignores them when the peer address does not come from the board server', async () => {
    delete process.env[PEER_HEADER_FLAG];
    expect(await currentUser(fromProxy('10.1.2.3'), settingsFor(proxyEnv))).toBeNull();
  });

  it('rejects a malformed CIDR at start-up', () => {
    expect(() => parseConfig({ AUTH_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/AUTH_TRUSTED_PROXIES: expected/);
    expect(() => parseConfig({ AUTH_TRUSTED_PROXIES: 'proxy.local' })).toThrow(/AUTH_TRUSTED_PROXIES/);
  });
});
