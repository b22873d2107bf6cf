'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useHydrated } from './use-hydrated';
import { usePermission } from './viewer';

/** Runs the merged and deployed checks for one service now, then re-renders the page with the results. */
export function CheckEvidenceButton({ service }: { service: string }) {
  const router = useRouter();
  const [status, setStatus] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [running, setRunning] = useState(false);
  const hydrated = useHydrated();
  const permission = usePermission('engineer');

  async function run() {
    setRunning(true);
    setStatus(null);
    try {
      const response = await fetch('/api/evidence', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scope: 'service', service }),
      });
      const body = (await response.json()) as { error?: string; results?: unknown[] };
      setStatus(
        response.ok
          ? `Checked: ${body.results?.length ?? 0} results.`
          : `Could not check evidence: ${body.error ?? response.statusText}`,
      );
      startTransition(() => router.refresh());
    } catch (error) {
      setStatus(`Could not check evidence: ${(error as Error).message}`);
    } finally {
      setRunning(false);
    }
  }

  // It needs JavaScript: without it, no dead button.
  if (!hydrated) return null;
  return (
    <p className="evidence-actions">
      <button
        type="button"
        onClick={run}
        disabled={running || pending || !permission.allowed}
        title={permission.reason ?? undefined}
      >
        {running ? 'Checking…' : 'Check evidence now'}
      </button>{' '}
      {permission.reason ? (
        <span className="action-reason" data-testid="action-reason">
          {permission.reason}
        </span>
      ) : null}
      <span role="status">{status}</span>
    </p>
  );
}
