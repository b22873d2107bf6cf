'use client';

import { useQuery } from '@tanstack/react-query';
import type { MatrixCell } from '@/lib/matrix/types';
import { fetchJson } from './fetch-json';

export type CellDetail = MatrixCell & { requirements: string[] };

export const cellUrl = (key: string) => `/api/matrix/cells/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * A cell's full detail, the one hook for it: fetched when `key` is set (on hover or focus, or when
 * the gate's checklist opens) and not before; one request per cell per half minute however often
 * it is hovered. Under the 'matrix' key, so whatever refreshes the matrix refreshes it too.
 */
export function useCellDetail(key: string | null): { detail: CellDetail | null; error: string | null } {
  const { data, error } = useQuery({
    queryKey: ['matrix', 'cell', key],
    queryFn: () => fetchJson<CellDetail>(cellUrl(key ?? '')),
    enabled: key !== null,
    staleTime: 30_000,
  });
  return { detail: key !== null ? (data ?? null) : null, error: key !== null && error ? error.message : null };
}

const MARK = { passed: '✓', partial: '◐', failed: '✗', 'not-checked': '–' } as const;

/** The detail of a cell beside it: why it is in its state, its criteria, evidence chain and newest results. */
export function CellDetailPopover({ cellKey, detail, error }: { cellKey: string } & ReturnType<typeof useCellDetail>) {
  return (
    <div id="cell-detail" role="tooltip" className="cell-popover" data-testid="cell-detail" data-cell-detail={cellKey}>
      {error ? (
        <p role="alert">Could not load this cell: {error}</p>
      ) : !detail ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <strong>{detail.title}</strong>
          <p data-testid="cell-detail-reason">{detail.stateReason}</p>
          {detail.criteria.length > 0 ? (
            <ul data-testid="cell-detail-criteria" aria-label="Acceptance criteria">
              {detail.criteria.map((c) => (
                <li key={c.index} data-holds={c.holds}>
                  {c.holds ? '✓' : '✗'} {c.text}: {c.reason}
                </li>
              ))}
            </ul>
          ) : null}
          <ul className="cell-popover-chain" aria-label="Evidence chain">
            {detail.chain.links.map((link) => (
              <li key={link.link} data-link={link.link} data-status={link.status}>
                {MARK[link.status]} {link.label}: {link.regressed ? 'regressed · ' : ''}
                {link.message}
              </li>
            ))}
          </ul>
          {detail.latestChecks.length > 0 ? (
            <ul aria-label="Newest result of each check">
              {detail.latestChecks.map((c) => (
                <li key={c.check} data-check={c.check} data-status={c.status}>
                  {c.check}: {c.status}
                  {c.message ? ` · ${c.message}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </div>
  );
}
