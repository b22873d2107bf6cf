'use client';

import { useEffect, useRef, useState } from 'react';
import type { MatrixCell } from '@/lib/matrix/types';
import { fetchJson } from './fetch-json';

type CellDetail = MatrixCell & { criteria: string[]; requirements: string[] };

interface Shown {
  key: string;
  top: number;
  left: number;
  detail: CellDetail | null;
  error: string | null;
}

const cellUrl = (key: string) => `/api/matrix/cells/${key.split('/').map(encodeURIComponent).join('/')}`;
const MARK = { passed: '✓', failed: '✗', 'not-checked': '–' } as const;

/**
 * A matrix cell's detail on hover or focus: why it is in its state, the evidence chain, the newest
 * result of each check and the acceptance criteria. It loads on demand from /api/matrix/cells/<key>
 * so the page itself carries none of it. One listener for the whole matrix, not one per cell.
 */
export function CellDetails() {
  const [shown, setShown] = useState<Shown | null>(null);
  const cache = useRef(new Map<string, Promise<CellDetail>>());
  const current = useRef<string | null>(null);

  useEffect(() => {
    let hoverTimer: ReturnType<typeof setTimeout> | undefined;
    const anchorOf = (target: EventTarget | null) =>
      target instanceof Element ? target.closest<HTMLElement>('a[data-cell]') : null;

    const show = (anchor: HTMLElement) => {
      const key = anchor.dataset.cell;
      if (!key || current.current === key) return;
      current.current = key;
      const rect = anchor.getBoundingClientRect();
      const place = { key, top: rect.bottom + 4, left: Math.min(rect.left, window.innerWidth - 360) };
      setShown({ ...place, detail: null, error: null });
      anchor.setAttribute('aria-describedby', 'cell-detail');
      let pending = cache.current.get(key);
      if (!pending) {
        pending = fetchJson<CellDetail>(cellUrl(key));
        cache.current.set(key, pending);
        // A failed or stale answer is fetched again next time.
        pending.catch(() => cache.current.delete(key));
        setTimeout(() => cache.current.delete(key), 30_000);
      }
      pending.then(
        (detail) => current.current === key && setShown({ ...place, detail, error: null }),
        (error: Error) => current.current === key && setShown({ ...place, detail: null, error: error.message }),
      );
    };
    const hide = () => {
      if (current.current)
        document.querySelector(`a[data-cell="${CSS.escape(current.current)}"]`)?.removeAttribute('aria-describedby');
      current.current = null;
      setShown(null);
    };

    const onOver = (event: MouseEvent) => {
      const anchor = anchorOf(event.target);
      clearTimeout(hoverTimer);
      if (anchor) hoverTimer = setTimeout(() => show(anchor), 150);
      else if (!(event.target instanceof Element && event.target.closest('#cell-detail'))) hide();
    };
    const onFocus = (event: FocusEvent) => {
      const anchor = anchorOf(event.target);
      if (anchor) show(anchor);
      else hide();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') hide();
    };
    document.addEventListener('mouseover', onOver);
    document.addEventListener('focusin', onFocus);
    document.addEventListener('keydown', onKey);
    return () => {
      clearTimeout(hoverTimer);
      document.removeEventListener('mouseover', onOver);
      document.removeEventListener('focusin', onFocus);
      document.removeEventListener('keydown', onKey);
    };
  }, []);

  if (!shown) return null;
  const { detail } = shown;
  return (
    <div
      id="cell-detail"
      role="tooltip"
      className="cell-popover"
      data-testid="cell-detail"
      data-cell-detail={shown.key}
      style={{ top: shown.top, left: Math.max(8, shown.left) }}
    >
      {shown.error ? (
        <p role="alert">Could not load this cell: {shown.error}</p>
      ) : !detail ? (
        <p aria-busy="true">Loading {shown.key}…</p>
      ) : (
        <>
          <strong>{detail.title}</strong>
          <p data-testid="cell-detail-reason">{detail.stateReason}</p>
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
          {detail.criteria.length > 0 ? (
            <>
              <span>Acceptance criteria</span>
              <ul data-testid="cell-detail-criteria">
                {detail.criteria.map((text) => (
                  <li key={text}>{text}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </div>
  );
}
