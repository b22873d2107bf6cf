import { topRole } from '@/lib/auth/roles';
import { authSettings } from '@/lib/auth/settings';
import { pageUser } from '@/lib/auth/viewer';
import { SignOutButton } from './sign-out-button';

/** The header's corner: who is signed in and as what, with sign-out; or a sign-in link. */
export async function UserMenu() {
  const settings = authSettings();
  if (!settings.signInConfigured) return null;
  const user = await pageUser();
  if (!user) {
    return (
      <div className="user-menu">
        <a href="/signin" data-testid="sign-in-link">
          Sign in
        </a>
      </div>
    );
  }
  return (
    <div className="user-menu" data-testid="user-menu">
      <span>
        {user.name} <span className="role-badge">{topRole(user)}</span>
      </span>{' '}
      {user.via === 'oidc' ? <SignOutButton /> : null}
    </div>
  );
}
