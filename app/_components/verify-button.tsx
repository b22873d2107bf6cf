'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { describeRun, summarizeRun } from '@/lib/verify/summary';
import { type ResultCell, verifyResults } from './board-queries';
import { fetchJson } from './fetch-json';
import { useHydrated } from './use-hydrated';
import { jobNameOf, requestVerification, useVerifyStatus, type VerifyScope } from './verify-status';
import { usePermission } from './viewer';
import './verify.css';
import './cell-feedback.css';

/** "27 checked: 18 pass, 6 fail, 3 error": the cells with a result of the run that began at `startedAt`. */
const describeResults = (cells: ResultCell[], startedAt: string) => describeRun(summarizeRun(cells, startedAt));

/**
 * "Verify now" for one cell, one service or everything. A click while the same check runs joins it.
 * When the run ends it says what it found ("27 checked: 18 pass, 6 fail, 3 error") in a live region;
 * the cells themselves show their new results. It counts only the run's own results: those stamped
 * from the run's start on (the server's clock, from POST /api/verify), not whatever is newer than the
 * page's possibly 30 s old view. It reads no results when clicked and reads them once when the run
 * ends, through the page's own matrix or service query (board-queries.ts). Not rendered without
 * JavaScript (it needs it).
 */
function ActiveVerifyButton({
  scope,
  label,
  text = 'Verify now',
  compact = false,
}: {
  scope: VerifyScope;
  /** The accessible name when the visible text alone is not enough (compact); it starts with the visible text. */
  label?: string;
  text?: string;
  compact?: boolean;
}) {
  const client = useQueryClient();
  const { running } = useVerifyStatus();
  const job = jobNameOf(scope);
  // The scope object is new on every render; the job name identifies it.
  const scopeRef = useRef(scope);
  scopeRef.current = scope;
  const runStartedAt = useRef('');
  const [waiting, setWaiting] = useState(false);
  const [summary, setSummary] = useState<{ text: string; failed: boolean } | null>(null);

  const permission = usePermission('engineer');
  const start = useMutation({
    mutationFn: async () => {
      setSummary(null);
      return requestVerification(scope);
    },
    // Count the job as running until a status poll says otherwise, so a job that ends before the
    // next poll still triggers the final refresh (RefreshWhileVerifying).
    onSuccess: ({ job: started, startedAt }) => {
      runStartedAt.current = startedAt;
      client.setQueryData<{ running: string[] }>(['verify'], (old) => ({
        running: [...new Set([...(old?.running ?? []), started])],
      }));
      setWaiting(true);
      void client.invalidateQueries({ queryKey: ['matrix'] });
      void client.invalidateQueries({ queryKey: ['service'] });
    },
  });

  const jobRunning = running.includes(job);
  useEffect(() => {
    if (!waiting || jobRunning) return;
    let cancelled = false;
    (async () => {
      // A poll that left before the job started may answer "not running": ask once more.
      const status = await fetchJson<{ running: string[] }>('/api/verify');
      if (cancelled || status.running.includes(job)) return;
      const cells = await verifyResults(client, scopeRef.current).read();
      if (cancelled) return;
      setWaiting(false);
      setSummary({ text: describeResults(cells, runStartedAt.current), failed: false });
    })().catch((error: Error) => {
      if (cancelled) return;
      setWaiting(false);
      setSummary({ text: `The run ended, but its results could not be read: ${error.message}`, failed: true });
    });
    return () => {
      cancelled = true;
    };
  }, [waiting, jobRunning, job, client]);

  // A cell's small button is hidden (the sync panel and full buttons say why); a full one is disabled with the reason.
  if (!permission.allowed && compact) return null;
  const busy = jobRunning || running.includes('verify:all') || start.isPending || waiting;
  return (
    <span className="verify-action">
      <button
        type="button"
        className={compact ? 'verify-button compact' : 'verify-button'}
        onClick={() => start.mutate()}
        disabled={!permission.allowed}
        aria-label={label}
        title={permission.reason ?? label}
        aria-busy={busy}
        data-testid={`verify-${job}`}
      >
        {compact ? 'Verify' : busy ? 'Verifying…' : text}
      </button>
      <span
        role="status"
        className={compact ? 'visually-hidden' : 'verify-summary'}
        data-testid={`verify-summary-${job}`}
      >
        {summary && !summary.failed ? summary.text : ''}
      </span>
      {permission.reason ? (
        <span className="action-reason" data-testid="action-reason">
          {permission.reason}
        </span>
      ) : null}
      {start.error || summary?.failed ? (
        <span role="alert" className="verify-error">
          {start.error ? start.error.message : summary?.text}
        </span>
      ) : null}
    </span>
  );
}

type VerifyButtonProps = Parameters<typeof ActiveVerifyButton>[0];

/**
 * Until React runs (and without JavaScript) the button is not usable, so it is not shown: the server
 * renders an invisible copy that holds its place, so nothing moves when it appears (a click aimed
 * just below it, at the filter or a cell, landed elsewhere when it did). The copy runs none of the
 * button's hooks: a fleet board has a button per row, a plan-sized one per cell.
 */
export function VerifyButton(props: VerifyButtonProps) {
  const hydrated = useHydrated();
  const permission = usePermission('engineer');
  if (hydrated) return <ActiveVerifyButton {...props} />;
  if (props.compact) {
    return permission.allowed ? (
      <button type="button" className="verify-button compact reserved-space" disabled tabIndex={-1} aria-hidden>
        Verify
      </button>
    ) : null;
  }
  return (
    <span className="verify-action reserved-space" aria-hidden>
      <button type="button" className="verify-button" disabled tabIndex={-1}>
        {props.text ?? 'Verify now'}
      </button>
      <span className="verify-summary" />
      {permission.reason ? <span className="action-reason">{permission.reason}</span> : null}
    </span>
  );
}
