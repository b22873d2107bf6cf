'use client';

import { useState } from 'react';
import { useCellDetail } from './cell-detail';
import { CriteriaChecklist } from './criteria-checklist';

/**
 * The gate's acceptance criteria, collapsed under the gate on the matrix page: the gate has no
 * service page, and its network-policy criterion is signed off here. Read when first opened.
 */
export function GateChecklist({ cellKey }: { cellKey: string }) {
  const [open, setOpen] = useState(false);
  const { detail: data, error } = useCellDetail(open ? cellKey : null);
  return (
    <details
      className="gate-criteria"
      data-testid="gate-criteria"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Acceptance criteria, proofs and sign-off</summary>
      {error ? <p role="alert">Could not load the gate&apos;s criteria: {error}</p> : null}
      {data ? (
        <CriteriaChecklist cellKey={cellKey} criteria={data.criteria} />
      ) : open && !error ? (
        <p>Loading…</p>
      ) : null}
    </details>
  );
}
