import { authSettings, SIGN_IN_NOT_CONFIGURED } from '@/lib/auth/settings';

/** Says plainly when no one can act because no sign-in is configured, and what to set. */
export function ReadOnlyBanner() {
  if (authSettings().signInConfigured) return null;
  return (
    <div className="demo-banner" role="note" data-testid="read-only-banner">
      <strong>Read-only:</strong> {SIGN_IN_NOT_CONFIGURED}
    </div>
  );
}
