'use client';

import { useState } from 'react';
import { useCellDetail } from './cell-detail';
import { CriteriaChecklist } from './criteria-checklist';

/**
 * The gate's acceptance criteria, collapsed under the gate on the matrix page: the gate has no
 * service page, and its network-policy criterion is signed off here. Read when first opened: the
 * query lives in what an open checklist shows, so a closed one (and the server's render) runs none.
 */
export function GateChecklist({ cellKey }: { cellKey: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details
      className="gate-criteria"
      data-testid="gate-criteria"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Acceptance criteria, proofs and sign-off</summary>
      {open ? <GateCriteria cellKey={cellKey} /> : null}
    </details>
  );
}

function GateCriteria({ cellKey }: { cellKey: string }) {
  const { detail: data, error } = useCellDetail(cellKey);
  return (
    <>
      {error ? <p role="alert">Could not load the gate&apos;s criteria: {error}</p> : null}
      {data ? <CriteriaChecklist cellKey={cellKey} criteria={data.criteria} /> : error ? null : <p>Loading…</p>}
    </>
  );
}
