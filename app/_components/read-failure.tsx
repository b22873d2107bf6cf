import Link from 'next/link';

/**
 * A page whose store read failed, rendered on the server (lib/server/page-read.ts): what could not
 * be read, the request id the server log has the error under, and a retry that is a plain link, so
 * all of it works without JavaScript. Never the error's text or stack.
 */
export function ReadFailure({ what, requestId, retryHref }: { what: string; requestId: string; retryHref: string }) {
  return (
    <section role="alert" aria-labelledby="error-heading" className="notice notice-error" data-testid="error-page">
      <h1 id="error-heading">This page could not be loaded</h1>
      <p data-testid="error-what">
        The board could not read {what}. The store may be unreachable, still starting, or damaged; nothing was changed.
      </p>
      <p data-testid="error-id">
        Request id <code>{requestId}</code>: the board’s server log has the full error under this id. Quote it when you
        report the problem.
      </p>
      <p>
        <a href={retryHref} className="button-link" data-testid="error-retry">
          Try again
        </a>{' '}
        or go <Link href="/">back to the matrix</Link>.
      </p>
    </section>
  );
}
