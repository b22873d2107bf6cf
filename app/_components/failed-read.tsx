'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** What a page reads, in the words its reader knows it by: what "could not be read" means here. */
export function whatFailed(pathname: string): string {
  if (pathname === '/') return 'the matrix (cells, their checks and the plan’s figures)';
  if (pathname.startsWith('/progress')) return 'the progress figures (burn-up, forecast, overruns)';
  const service = /^\/services\/([^/]+)/.exec(pathname)?.[1];
  if (service) return `the service ${decodeURIComponent(service)} (its cells, checks and actions)`;
  if (pathname.startsWith('/audit')) return 'the audit log';
  if (pathname.startsWith('/settings')) return 'the settings';
  return 'what this page shows';
}

/**
 * The body of a page whose server-side read failed (store unreachable, a damaged database, bad
 * configuration): what could not be read, the id the server log has the error under, and a retry.
 * Never the error's own text or stack: in production Next replaces them with a digest, and this
 * page shows only that.
 */
export function FailedRead({ error, retry }: { error: unknown; retry: () => void }) {
  const pathname = usePathname() ?? '/';
  const digest =
    error && typeof error === 'object' && typeof (error as { digest?: unknown }).digest === 'string'
      ? (error as { digest: string }).digest
      : null;
  return (
    <section role="alert" aria-labelledby="error-heading" className="notice notice-error" data-testid="error-page">
      <h1 id="error-heading">This page could not be loaded</h1>
      <p data-testid="error-what">
        The board could not read {whatFailed(pathname)}. The store may be unreachable, still starting, or damaged;
        nothing was changed.
      </p>
      {digest ? (
        <p data-testid="error-id">
          Error id <code>{digest}</code>: the board’s server log has the full error under this id. Quote it when you
          report the problem.
        </p>
      ) : null}
      <p>
        <button type="button" onClick={() => retry()} data-testid="error-retry">
          Try again
        </button>{' '}
        or go <Link href="/">back to the matrix</Link>.
      </p>
    </section>
  );
}
