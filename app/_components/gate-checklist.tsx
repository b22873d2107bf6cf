'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type CellDetail, cellUrl } from './cell-detail';
import { CriteriaChecklist } from './criteria-checklist';
import { fetchJson } from './fetch-json';

/**
 * The gate's acceptance criteria, collapsed under the gate on the matrix page: the gate has no
 * service page, and its network-policy criterion is signed off here. Read when first opened; under
 * the 'matrix' key, so whatever refreshes the matrix refreshes it too.
 */
export function GateChecklist({ cellKey }: { cellKey: string }) {
  const [open, setOpen] = useState(false);
  const { data, error } = useQuery({
    queryKey: ['matrix', 'cell', cellKey],
    queryFn: () => fetchJson<CellDetail>(cellUrl(cellKey)),
    enabled: open,
  });
  return (
    <details
      className="gate-criteria"
      data-testid="gate-criteria"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Acceptance criteria, proofs and sign-off</summary>
      {error ? <p role="alert">Could not load the gate&apos;s criteria: {(error as Error).message}</p> : null}
      {data ? (
        <CriteriaChecklist cellKey={cellKey} criteria={data.criteria} />
      ) : open && !error ? (
        <p>Loading…</p>
      ) : null}
    </details>
  );
}
