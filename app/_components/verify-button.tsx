'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { jobNameOf, requestVerification, useVerifyStatus, type VerifyScope } from './verify-status';
import { usePermission } from './viewer';
import './verify.css';

/** "Verify now" for one cell, one service or everything. A click while the same check runs joins it. */
export function VerifyButton({
  scope,
  label,
  text = 'Verify now',
  compact = false,
}: {
  scope: VerifyScope;
  label: string;
  text?: string;
  compact?: boolean;
}) {
  const client = useQueryClient();
  const { running } = useVerifyStatus();
  const permission = usePermission('engineer');
  const start = useMutation({
    mutationFn: () => requestVerification(scope),
    // Count the job as running until a status poll says otherwise, so a job that ends before the
    // next poll still triggers the final refresh (RefreshWhileVerifying).
    onSuccess: ({ job }) => {
      client.setQueryData<{ running: string[] }>(['verify'], (old) => ({
        running: [...new Set([...(old?.running ?? []), job])],
      }));
      void client.invalidateQueries({ queryKey: ['matrix'] });
      void client.invalidateQueries({ queryKey: ['service'] });
    },
  });
  const busy = running.includes(jobNameOf(scope)) || running.includes('verify:all') || start.isPending;
  // A cell's small button is hidden (the sync panel and full buttons say why); a full one is disabled with the reason.
  if (!permission.allowed && compact) return null;
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
        data-testid={`verify-${jobNameOf(scope)}`}
      >
        {compact ? (busy ? '…' : '↻') : busy ? 'Verifying…' : text}
      </button>
      {permission.reason ? (
        <span className="action-reason" data-testid="action-reason">
          {permission.reason}
        </span>
      ) : null}
      {start.error ? (
        <span role="alert" className="verify-error">
          {start.error.message}
        </span>
      ) : null}
    </span>
  );
}
