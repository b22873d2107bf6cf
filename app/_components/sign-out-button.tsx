'use client';

import { useState } from 'react';

/** Ends the session with a JSON POST (like every action), then goes where the board says (the provider's logout). */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function signOut() {
    setPending(true);
    setError(null);
    try {
      const response = await fetch('/api/auth/signout', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: '{}',
      });
      const body = (await response.json()) as { redirectTo?: string; error?: string };
      if (!response.ok) throw new Error(body.error ?? `sign-out answered ${response.status}`);
      window.location.assign(body.redirectTo ?? '/signin?signedOut=1');
    } catch (e) {
      setPending(false);
      setError(e instanceof Error ? e.message : String(e));
    }
  }
  return (
    <>
      <button type="button" className="link-button" onClick={signOut} disabled={pending} data-testid="sign-out">
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
      {error ? <span role="alert">{error}</span> : null}
    </>
  );
}
