'use client';

import Link, { useLinkStatus } from 'next/link';
import type { ComponentProps } from 'react';

/** While its link's page loads (a client-side navigation), a "Loading…" pill at the top of the window. */
function Pending({ what }: { what: string }) {
  const { pending } = useLinkStatus();
  return pending ? (
    <span className="navigation-pending" role="status" data-testid="navigation-pending">
      Loading {what}…
    </span>
  ) : null;
}

/**
 * A link to another page of the board that says at once that the page is loading. The board has no
 * loading.tsx on purpose: its Suspense boundary would stream every page into markup that only
 * JavaScript reveals, so a browser without it would see "Loading…" forever. This gives a client-side
 * navigation its loading state instead; without JavaScript the browser's own indicator does.
 */
export function NavLink({ what, children, ...props }: ComponentProps<typeof Link> & { what: string }) {
  return (
    <Link {...props}>
      {children}
      <Pending what={what} />
    </Link>
  );
}
