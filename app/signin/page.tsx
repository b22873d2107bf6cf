import type { Metadata } from 'next';
import { safeReturnTo } from '@/lib/auth/oidc';
import { topRole } from '@/lib/auth/roles';
import { authSettings, SIGN_IN_NOT_CONFIGURED } from '@/lib/auth/settings';
import { pageUser } from '@/lib/auth/viewer';
import { serverConfig } from '@/lib/config/env';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

interface Props {
  searchParams: Promise<{ returnTo?: string; error?: string; signedOut?: string }>;
}

/** Where sign-in starts: the provider button, the demo users, or what the operator has to set. */
export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const settings = authSettings();
  const user = await pageUser();
  const returnTo = safeReturnTo(params.returnTo);
  const demoUsers = serverConfig().DEMO_USERS;
  return (
    <>
      <h1>Sign in</h1>
      {params.error ? (
        <p role="alert" className="verify-error" data-testid="signin-error">
          {params.error.slice(0, 300)}
        </p>
      ) : null}
      {params.signedOut ? <p role="status">You are signed out.</p> : null}
      {user ? (
        <p data-testid="signed-in-as">
          Signed in as <strong>{user.name}</strong> ({topRole(user)}).
        </p>
      ) : null}
      {settings.oidc ? (
        <p>
          <a
            className="button-link"
            href={`/api/auth/signin?returnTo=${encodeURIComponent(returnTo)}`}
            data-testid="signin-oidc"
          >
            Sign in with {new URL(settings.oidc.issuer).host}
          </a>
        </p>
      ) : settings.proxy ? (
        <p>Sign-in happens at the auth proxy in front of this board; open the board through it.</p>
      ) : (
        <p data-testid="signin-not-configured">{SIGN_IN_NOT_CONFIGURED}</p>
      )}
      {demoUsers.length > 0 ? (
        <section aria-labelledby="demo-users">
          <h2 id="demo-users">Demo users</h2>
          <p>The demo&apos;s local OpenID provider knows these users; the password is the login.</p>
          <ul data-testid="demo-users">
            {demoUsers.map((demo) => (
              <li key={demo.login}>
                <code>{demo.login}</code>: {demo.role}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p className="na-note">
        Viewers read the board; engineers also run Verify now and Sync now, and sign off criteria; admins also revoke
        sign-offs and read the <a href="/audit">audit trail</a>.
      </p>
    </>
  );
}
