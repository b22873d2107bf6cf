import { randomBytes } from 'node:crypto';
import { EncryptJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loginState } from './oidc';
import { clearCookieHeader, cookieHeader, readCookie, seal, sessionData, unseal } from './session';

const key = new Uint8Array(randomBytes(32));
const person = { subject: 'u1', name: 'Ada', groups: ['rollout-admins'] };

describe('sealed cookies', () => {
  it('unseal the value sealed for the same purpose, with its own fields only', async () => {
    const token = await seal('session', person, key, 60);
    expect(await unseal('session', token, key, sessionData)).toEqual(person);
  });

  it('read as no value when sealed with another shape (another version of the board), not as a cast', async () => {
    const token = await seal('session', { subject: 'u1', groups: 'admins' }, key, 60);
    expect(await unseal('session', token, key, sessionData)).toBeNull();
  });

  it('read as no value for another purpose, another key or after expiry', async () => {
    const login = { verifier: 'v', state: 's', nonce: 'n', returnTo: '/' };
    const token = await seal('login', login, key, 60);
    expect(await unseal('login', token, key, loginState)).toEqual(login);
    expect(await unseal('session', token, key, sessionData)).toBeNull();
    expect(await unseal('login', token, new Uint8Array(randomBytes(32)), loginState)).toBeNull();
    const expired = await seal('login', login, key, 60, Date.now() - 120_000);
    expect(await unseal('login', expired, key, loginState)).toBeNull();
  });

  it('read as no value when sealed for another purpose even if the shape fits, or when made to never expire', async () => {
    // A login cookie holding a session's fields is still not a session.
    expect(await unseal('session', await seal('login', person, key, 60), key, sessionData)).toBeNull();
    const forever = await new EncryptJWT({ ...person })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience('rollout-board:session')
      .encrypt(key);
    expect(await unseal('session', forever, key, sessionData)).toBeNull();
  });
});

describe('cookies', () => {
  it('reads the named cookie among others, trimmed, and nothing for a name that only starts or ends alike', () => {
    const headers = (cookie: string) => new Headers({ cookie });
    expect(readCookie(headers('theme=dark; rb_session = abc.def ; x=y'), 'rb_session')).toBe('abc.def');
    expect(readCookie(headers('rb_session_old=1; xrb_session=2; =rb_session'), 'rb_session')).toBeNull();
    expect(readCookie(headers('rb_session=; theme=dark'), 'rb_session')).toBeNull();
    expect(readCookie(new Headers(), 'rb_session')).toBeNull();
    // The first of two is the one read, as browsers send the most specific path first.
    expect(readCookie(headers('rb_session=first; rb_session=second'), 'rb_session')).toBe('first');
  });

  it('are set HttpOnly and SameSite=Lax for the whole board, Secure behind https, and cleared with Max-Age=0', () => {
    expect(cookieHeader('rb_session', 'v', { secure: true, maxAgeSeconds: 28_800.9 })).toBe(
      'rb_session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=28800; Secure',
    );
    expect(cookieHeader('rb_login', 'v', { secure: false, maxAgeSeconds: -5 })).toBe(
      'rb_login=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=0',
    );
    expect(clearCookieHeader('rb_session', true)).toBe(
      'rb_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure',
    );
  });
});
