'use client';

import { useEffect, useState } from 'react';
import type { MatrixCell } from '@/lib/matrix/types';
import { fetchJson } from './fetch-json';

export type CellDetail = MatrixCell & { requirements: string[] };

// One request per cell per half minute, however often it is hovered: the board's answers carry the
// store revision, and a newer revision re-renders the row anyway.
const loaded = new Map<string, { at: number; detail: Promise<CellDetail> }>();
export const cellUrl = (key: string) => `/api/matrix/cells/${key.split('/').map(encodeURIComponent).join('/')}`;

function loadCellDetail(key: string): Promise<CellDetail> {
  const cached = loaded.get(key);
  if (cached && Date.now() - cached.at < 30_000) return cached.detail;
  const detail = fetchJson<CellDetail>(cellUrl(key));
  loaded.set(key, { at: Date.now(), detail });
  detail.catch(() => loaded.delete(key));
  return detail;
}

/** A cell's full detail, fetched when `key` is set (on hover or focus) and not before. */
export function useCellDetail(key: string | null): { detail: CellDetail | null; error: string | null } {
  const [state, setState] = useState<{ key: string; detail: CellDetail | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!key) return;
    let live = true;
    loadCellDetail(key).then(
      (detail) => live && setState({ key, detail, error: null }),
      (error: Error) => live && setState({ key, detail: null, error: error.message }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state && state.key === key ? state : { detail: null, error: null };
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
