import Link from 'next/link';
import { CELL_STATE_LABELS, CELL_STATES, type CellState } from '@/lib/matrix/types';

/** Filter links over the matrix (`/?state=…`); closed-but-unverified and regressed come first, as they need attention. */
export function StateFilter({ counts, current }: { counts: Record<CellState, number>; current: CellState | null }) {
  const order: CellState[] = ['closed-unverified', 'regressed', ...CELL_STATES.filter((s) => s !== 'closed-unverified' && s !== 'regressed')];
  const attention = counts['closed-unverified'] + counts.regressed;
  return (
    <nav className="state-filter" aria-label="Filter cells by state" data-testid="state-filter">
      {attention > 0 ? (
        <span className="attention" role="status">
          Needs attention: {counts['closed-unverified']} closed but unverified, {counts.regressed} regressed.
        </span>
      ) : null}
      <Link href="/" aria-current={current === null}>
        All
      </Link>
      {order.map((state) => (
        <Link key={state} href={`/?state=${state}`} className={`state-${state}`} aria-current={current === state} data-filter={state}>
          {CELL_STATE_LABELS[state]} ({counts[state]})
        </Link>
      ))}
    </nav>
  );
}
