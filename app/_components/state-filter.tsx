import Link from 'next/link';
import { filterQuery, type MatrixFilter } from '@/lib/matrix/filter';
import { ATTENTION_STATES, CELL_STATE_LABELS, CELL_STATES, type CellState } from '@/lib/matrix/types';

/** Quick state links over the matrix (`/?state=…`, other filters kept); the states that need attention come first. */
export function StateFilter({ counts, filter }: { counts: Record<CellState, number>; filter: MatrixFilter }) {
  const current = filter.state.length === 1 ? filter.state[0] : null;
  const order: CellState[] = [...ATTENTION_STATES, ...CELL_STATES.filter((s) => !ATTENTION_STATES.includes(s))];
  const attention = ATTENTION_STATES.reduce((sum, s) => sum + counts[s], 0);
  return (
    <nav className="state-filter" aria-label="Filter cells by state" data-testid="state-filter">
      {attention > 0 ? (
        <span className="attention" role="status">
          Needs attention: {counts['ready-to-close']} ready to close, {counts['closed-unverified']} closed but
          unverified, {counts.regressed} regressed.
        </span>
      ) : null}
      <Link href={`/${filterQuery({ ...filter, state: [] })}`} aria-current={filter.state.length === 0}>
        All
      </Link>
      {order.map((state) => (
        <Link
          key={state}
          href={`/${filterQuery({ ...filter, state: [state] })}`}
          className={`state-${state}`}
          aria-current={current === state}
          data-filter={state}
        >
          {CELL_STATE_LABELS[state]} ({counts[state]})
        </Link>
      ))}
    </nav>
  );
}
