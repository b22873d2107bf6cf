'use client';

import Link from 'next/link';

/**
 * A page that failed to read its data (store down, bad configuration) shows what happened and what
 * to try, never a stack trace. In production Next hides the server's message and gives a digest:
 * the same id is in the server's log next to the real error.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section role="alert" className="notice notice-error" data-testid="error-page">
      <h1>This page could not be loaded</h1>
      <p>
        The board could not read what this page shows. The store may be unreachable or still starting; the server log
        has the details{error.digest ? ` under the id ${error.digest}` : ''}.
      </p>
      <p>
        <button type="button" onClick={reset}>
          Try again
        </button>{' '}
        or go <Link href="/">back to the matrix</Link>.
      </p>
    </section>
  );
}
