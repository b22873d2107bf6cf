'use client';

import { type FormEvent, useId, useState } from 'react';
import type { CriterionState } from '@/lib/matrix/types';
import { formatUtc } from '@/lib/format/time';
import { useHydrated } from './use-hydrated';
import { useSignOffActions, useSignOffs } from './use-sign-offs';
import { usePermission, useViewer } from './viewer';

/**
 * What a person can do on a criterion no data can prove: sign it off (with a note and an optional
 * expiry), revoke the current sign-off (its signer, or an admin), and read its history. The server
 * decides who may; the controls only keep the page honest about it.
 */
export function SignOffControl({ cellKey, criterion }: { cellKey: string; criterion: CriterionState }) {
  const hydrated = useHydrated();
  const viewer = useViewer();
  const permission = usePermission('engineer');
  const { sign, revoke } = useSignOffActions(cellKey);
  const [open, setOpen] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const history = useSignOffs(cellKey, historyOpen);
  const ids = useId();
  const current = criterion.status === 'signed-off' ? criterion.signOff : null;
  const mayRevoke = current !== null && (viewer.roles.includes('admin') || viewer.name === current.by);
  const error = (sign.error ?? revoke.error) as Error | null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const expires = String(form.get('expires') ?? '');
    sign.mutate(
      {
        criterion: criterion.index,
        note: String(form.get('note') ?? ''),
        // A date means "until the end of that day" (UTC), like the checklist shows it.
        expiresAt: expires ? `${expires}T23:59:59Z` : null,
      },
      { onSuccess: () => setOpen(false) },
    );
  }

  // The controls need JavaScript; without it the page still shows who signed and why.
  if (!hydrated) return null;
  return (
    <div className="sign-off" data-testid="sign-off">
      {current ? (
        mayRevoke ? (
          <button
            type="button"
            onClick={() => revoke.mutate(current.id)}
            disabled={revoke.isPending}
            aria-label={`Revoke sign-off: ${criterion.text}`}
          >
            {revoke.isPending ? 'Revoking…' : 'Revoke sign-off'}
          </button>
        ) : null
      ) : open ? (
        <form onSubmit={submit} className="sign-off-form" aria-label={`Sign off: ${criterion.text}`}>
          <label htmlFor={`${ids}-note`}>What did you check?</label>
          <input id={`${ids}-note`} name="note" maxLength={500} required placeholder="e.g. NetworkPolicy reviewed" />
          <label htmlFor={`${ids}-expires`}>Expires (optional)</label>
          <input id={`${ids}-expires`} name="expires" type="date" />
          <button type="submit" disabled={sign.isPending}>
            {sign.isPending ? 'Signing…' : 'Confirm sign-off'}
          </button>{' '}
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <button
            type="button"
            onClick={() => setOpen(true)}
            disabled={!permission.allowed}
            title={permission.reason ?? undefined}
            aria-label={`Sign off: ${criterion.text}`}
          >
            Sign off
          </button>{' '}
          {permission.reason ? <span className="action-reason">{permission.reason}</span> : null}
        </>
      )}
      <span role="status" className="sign-off-status">
        {error ? `Could not ${sign.error ? 'sign off' : 'revoke'}: ${error.message}` : ''}
      </span>
      <details
        className="sign-off-history"
        onToggle={(event) => setHistoryOpen((event.currentTarget as HTMLDetailsElement).open)}
      >
        <summary>Sign-off history{criterion.signOff ? '' : ' (none yet)'}</summary>
        {history.isPending && historyOpen ? <p>Loading…</p> : null}
        {history.error ? <p role="alert">Could not read the history: {(history.error as Error).message}</p> : null}
        <ul data-testid="sign-off-history">
          {(history.data ?? [])
            .filter((s) => s.criterion === criterion.index)
            .map((s) => (
              <li key={s.id}>
                {s.by} signed off on {formatUtc(s.signedAt)}
                {s.note ? `: ${s.note}` : ''}
                {s.expiresAt ? ` (until ${formatUtc(s.expiresAt)})` : ''}
                {s.revokedAt ? ` — revoked by ${s.revokedBy ?? 'someone'} on ${formatUtc(s.revokedAt)}` : ''}
                {s.criterionText !== criterion.text ? ' — for earlier wording of this criterion' : ''}
              </li>
            ))}
        </ul>
      </details>
    </div>
  );
}
