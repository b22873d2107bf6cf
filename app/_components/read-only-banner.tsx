import { authSettings, readOnlyNotice } from '@/lib/auth/settings';

/** Says plainly when no one can act because no sign-in is configured, and what to set. */
export function ReadOnlyBanner() {
  const notice = readOnlyNotice(authSettings());
  if (!notice) return null;
  return (
    <div className="demo-banner" role="note" data-testid="read-only-banner">
      <strong>Read-only:</strong> {notice}
    </div>
  );
}
