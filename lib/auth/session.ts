import { EncryptJWT, jwtDecrypt } from 'jose';
import { z } from 'zod';

/** The signed-in person, kept in an encrypted cookie (stateless: any replica with the key can read it). */
export const sessionData = z.object({
  subject: z.string(),
  name: z.string(),
  groups: z.array(z.string()),
  /** The provider's ID token, for RP-initiated logout (id_token_hint); never shown. */
  idToken: z.string().optional(),
});
export type SessionData = z.infer<typeof sessionData>;

export const SESSION_COOKIE = 'rb_session';
/** State, nonce and PKCE verifier between the redirect to the provider and its callback. */
export const LOGIN_COOKIE = 'rb_login';

const ENCRYPTION = { alg: 'dir', enc: 'A256GCM' } as const;
/** Each cookie kind has its own audience, so a login cookie can never pass as a session. */
type Purpose = 'session' | 'login';

/** Encrypts (and so authenticates) a value for `maxAgeSeconds`. */
export async function seal(
  purpose: Purpose,
  payload: object,
  key: Uint8Array,
  maxAgeSeconds: number,
  now = Date.now(),
): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new EncryptJWT({ ...payload })
    .setProtectedHeader(ENCRYPTION)
    .setAudience(`rollout-board:${purpose}`)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + maxAgeSeconds)
    .encrypt(key);
}

/**
 * The sealed value, or null when it was tampered with, expired, made with another key or for another
 * purpose, or has another shape than `schema` (sealed by another version of the board).
 */
export async function unseal<T>(
  purpose: Purpose,
  token: string,
  key: Uint8Array,
  schema: z.ZodType<T>,
): Promise<T | null> {
  try {
    const { payload } = await jwtDecrypt(token, key, {
      audience: `rollout-board:${purpose}`,
      keyManagementAlgorithms: [ENCRYPTION.alg],
      contentEncryptionAlgorithms: [ENCRYPTION.enc],
      requiredClaims: ['exp'],
    });
    const sealed = schema.safeParse(payload);
    return sealed.success ? sealed.data : null;
  } catch {
    return null;
  }
}

export function readCookie(headers: Headers, name: string): string | null {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** httpOnly, SameSite=Lax (the provider's redirect back is a top-level GET), Secure behind https. */
export function cookieHeader(name: string, value: string, options: { secure: boolean; maxAgeSeconds: number }) {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

export const clearCookieHeader = (name: string, secure: boolean) =>
  cookieHeader(name, '', { secure, maxAgeSeconds: 0 });
