'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { SyncPanelStatus, SyncPanelView } from '@/lib/github/sync-job';
import { syncProgressText } from '@/lib/github/sync-progress';
import { fetchJson } from './fetch-json';
import { formatUtc } from '@/lib/format/time';
import styles from './github.module.css';
import { useHydrated } from './use-hydrated';
import { usePermission } from './viewer';
import { boardFetch } from './board-build';

async function startSync(): Promise<SyncPanelView> {
  const response = await boardFetch('/api/sync', { method: 'POST', headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => null)) as (SyncPanelStatus & { error?: string }) | null;
  if (!response.ok || !body) throw new Error(body?.error ?? `POST /api/sync answered ${response.status}`);
  return body;
}

/** GitHub sync: "Sync now" (disabled while a sync runs, anywhere), progress, the last run, failures by repository, quota. */
export function SyncPanel({ initialStatus }: { initialStatus: SyncPanelView }) {
  const queryClient = useQueryClient();
  // Sync now needs JavaScript: without it the button is not shown.
  const hydrated = useHydrated();
  const permission = usePermission('engineer');
  // Starts from the page's cut of the status (syncPanelView); its refreshes read GET /api/sync in full.
  const { data: status, error } = useQuery<SyncPanelView>({
    queryKey: ['sync'],
    queryFn: () => fetchJson<SyncPanelStatus>('/api/sync'),
    initialData: initialStatus,
    refetchInterval: (query) => (query.state.data?.running || query.state.data?.runningElsewhere ? 1000 : 30_000),
  });
  const syncNow = useMutation({
    mutationFn: startSync,
    onSuccess: (next) => queryClient.setQueryData(['sync'], next),
  });

  // When a run finishes, the matrix and its panels show what it brought.
  const lastRunId = status.lastRuns[0]?.id;
  const seenRun = useRef(lastRunId);
  const busy = status.running || status.runningElsewhere;
  useEffect(() => {
    if (!busy && lastRunId !== seenRun.current) {
      seenRun.current = lastRunId;
      void queryClient.invalidateQueries({ queryKey: ['matrix'] });
    }
  }, [busy, lastRunId, queryClient]);

  if (!status.configured) {
    return (
      <section className={styles.panel} aria-labelledby="sync-heading" data-testid="sync-panel">
        <h2 id="sync-heading">GitHub sync</h2>
        <p className={styles.muted} data-testid="sync-not-configured">
          {status.hint}
        </p>
      </section>
    );
  }

  const last = status.lastRuns.find((r) => r.status !== 'running');
  const failures = last?.repos.filter((r) => r.status === 'failed') ?? [];
  const progress = status.activity?.progress;
  return (
    <section className={styles.panel} aria-labelledby="sync-heading" data-testid="sync-panel" aria-busy={busy}>
      <h2 id="sync-heading">GitHub sync</h2>
      <div className={styles.row}>
        {hydrated ? (
          <button
            type="button"
            className={styles.button}
            onClick={() => syncNow.mutate()}
            disabled={busy || syncNow.isPending || !permission.allowed}
            title={permission.reason ?? undefined}
          >
            {busy ? 'Syncing…' : 'Sync now'}
          </button>
        ) : (
          // Its place until React runs, so nothing below moves when it appears (see VerifyButton).
          <button type="button" className={`${styles.button} reserved-space`} disabled tabIndex={-1} aria-hidden>
            {busy ? 'Syncing…' : 'Sync now'}
          </button>
        )}
        {permission.reason ? (
          <span className="action-reason" data-testid="action-reason">
            {permission.reason}
          </span>
        ) : null}
        <span role="status" data-testid="sync-progress">
          {status.running
            ? progress
              ? syncProgressText(progress)
              : 'Sync starting…'
            : status.runningElsewhere
              ? 'Another replica is syncing…'
              : ''}
        </span>
        {last ? (
          <span data-testid="sync-last-run" data-status={last.status}>
            Last sync {formatUtc(last.finishedAt ?? last.startedAt)} ({last.trigger}):{' '}
            <span className={last.status === 'succeeded' ? styles.ok : styles.bad}>{last.status}</span>,{' '}
            {last.issuesChanged} issue
            {last.issuesChanged === 1 ? '' : 's'} changed, {last.requests} request{last.requests === 1 ? '' : 's'}
            {last.notModified > 0 ? ` (${last.notModified} answered “not modified”, which costs no quota)` : ''}
          </span>
        ) : (
          <span className={styles.muted}>Not synced yet.</span>
        )}
        {status.quota ? (
          <span className={styles.muted} data-testid="sync-quota">
            GitHub quota: {status.quota.remaining} of {status.quota.limit} left, resets{' '}
            {formatUtc(status.quota.resetAt)}
            {status.authenticated ? '' : ' (no token: GitHub’s unauthenticated limit)'}
          </span>
        ) : null}
      </div>
      <p className={styles.muted}>
        {status.repos.join(', ')} · every {Math.round(status.intervalMs / 60_000) || 1} min, on GitHub webhooks and on
        demand.
      </p>
      {failures.length > 0 ? (
        <ul className={styles.failures} role="alert" aria-label="Repositories that failed to sync">
          {failures.map((f) => (
            <li key={f.repo} data-testid="sync-repo-failure" data-repo={f.repo}>
              {f.error} Earlier data for this repository is kept.
            </li>
          ))}
        </ul>
      ) : null}
      {syncNow.error || error ? (
        <p role="alert" className="notice notice-error">
          {(syncNow.error ?? error)?.message}
        </p>
      ) : null}
    </section>
  );
}
