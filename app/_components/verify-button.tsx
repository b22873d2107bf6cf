'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { jobNameOf, requestVerification, useVerifyStatus, type VerifyScope } from './verify-status';
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
  return (
    <span className="verify-action">
      <button
        type="button"
        className={compact ? 'verify-button compact' : 'verify-button'}
        onClick={() => start.mutate()}
        aria-label={label}
        title={label}
        aria-busy={busy}
        data-testid={`verify-${jobNameOf(scope)}`}
      >
        {compact ? (busy ? '…' : '↻') : busy ? 'Verifying…' : text}
      </button>
      {start.error ? (
        <span role="alert" className="verify-error">
          {start.error.message}
        </span>
      ) : null}
    </span>
  );
}
