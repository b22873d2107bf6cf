import type { CellState, MatrixCell, MatrixView } from '../matrix/types';

/** What a state change means to a team: the events the board announces. */
export type ChangeEvent = 'regressed' | 'verified' | 'gate-red' | 'gate-green';

export interface StateChange {
  event: ChangeEvent;
  cellKey: string;
  service: string | null;
  capability: string;
  title: string;
  from: CellState;
  to: CellState;
  /** Why the cell is in its new state, from the derivation. */
  reason: string;
  /** The board's page for the cell (absolute when BOARD_URL is set). */
  href: string;
}

/**
 * Which moves are worth a message. The gate is green when verified and red when it falls from
 * there; a service cell is announced when it becomes verified and when it regresses. States are
 * the matrix derivation's (lib/matrix): nothing is decided again here.
 */
export function eventOf(from: CellState, to: CellState, isGate: boolean): ChangeEvent | null {
  if (from === to) return null;
  if (isGate) return to === 'verified' ? 'gate-green' : from === 'verified' || to === 'regressed' ? 'gate-red' : null;
  if (to === 'regressed') return 'regressed';
  if (to === 'verified') return 'verified';
  return null;
}

export const cellsOf = (view: MatrixView): MatrixCell[] => [
  ...(view.gate ? [view.gate] : []),
  ...view.rows.flatMap((r) => r.cells.filter((c): c is MatrixCell => c !== null)),
];

/** The announceable changes between the states last marked and the view's, and every cell's new state. */
export function diffStates(
  marked: ReadonlyMap<string, CellState>,
  view: MatrixView,
  boardUrl: string | null,
): { changes: StateChange[]; moved: Array<{ cellKey: string; from: CellState | null; to: CellState }> } {
  const changes: StateChange[] = [];
  const moved: Array<{ cellKey: string; from: CellState | null; to: CellState }> = [];
  for (const cell of cellsOf(view)) {
    const from = marked.get(cell.key) ?? null;
    if (from === cell.state) continue;
    moved.push({ cellKey: cell.key, from, to: cell.state });
    // A cell seen for the first time sets the baseline: nothing changed that anyone saw.
    const event = from === null ? null : eventOf(from, cell.state, cell.serviceSlug === null);
    if (from === null || !event) continue;
    changes.push({
      event,
      cellKey: cell.key,
      service: cell.serviceSlug,
      capability: cell.capabilitySlug,
      title: cell.title,
      from,
      to: cell.state,
      reason: cell.stateReason,
      href: boardUrl ? new URL(cell.href, boardUrl).toString() : cell.href,
    });
  }
  return { changes, moved };
}
