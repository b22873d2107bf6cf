import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loginState } from './oidc';
import { seal, sessionData, unseal } from './session';

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
});
