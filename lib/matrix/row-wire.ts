import { serviceCellKey } from '../plan/cell-key';
import { type CompactCell, type CompactRow, fleetRowCell, type MatrixRowCell } from './compact';

/**
 * A cell as a row island's props carry it to the browser: its fields by position, not by name, and
 * without its key (the row's slug and the column's give it back). React serializes every island's
 * props into the page; on a fleet board of 1,200 cells the field names were a third of those bytes.
 * The optional last element carries what a plan-sized board shows in the cell itself and a grouped
 * fleet board loads on demand.
 */
export type PackedCell = [
  state: CompactCell['state'],
  estimateText: string,
  criteria: number,
  criteriaHeld: number,
  liveStatus: CompactCell['liveStatus'],
  history: string,
  chain: string,
  chainSummary: string,
  shownInCell?: Pick<CompactCell, 'title' | 'issue' | 'issueEstimate' | 'latestChecks'>,
];

/** A service's row as its island receives it. */
export interface PackedRow {
  slug: string;
  name: string;
  runtimes: string[];
  estimateMinutes: number;
  /** Aligned with the columns; null where the capability does not apply. */
  cells: Array<PackedCell | null>;
}

export function packRowCell(cell: MatrixRowCell): PackedCell {
  const packed: PackedCell = [
    cell.state,
    cell.estimateText,
    cell.criteria,
    cell.criteriaHeld,
    cell.liveStatus,
    cell.history,
    cell.chain,
    cell.chainSummary,
  ];
  // A plan-sized board's cell carries its checks (and title and issue); a grouped fleet board's does not.
  const { title = '', issue = null, issueEstimate = null, latestChecks } = cell;
  if (latestChecks) packed.push({ title, issue, issueEstimate, latestChecks });
  return packed;
}

// A cached derivation's rows are the same objects for every page until the store moves on: each is
// packed once per revision (in each of its two forms), not once per page.
const packedRows = { brief: new WeakMap<CompactRow, PackedRow>(), full: new WeakMap<CompactRow, PackedRow>() };

/**
 * A row for its island: on a grouped fleet board (`brief`) each cell without its issue, title and
 * per-check results, which its on-demand detail shows. Packed once per row (shared: not to be changed).
 */
export function packRow(row: CompactRow, brief: boolean): PackedRow {
  const packed = packedRows[brief ? 'brief' : 'full'];
  let result = packed.get(row);
  if (!result) {
    result = packRowNow(row, brief);
    packed.set(row, result);
  }
  return result;
}

function packRowNow(row: CompactRow, brief: boolean): PackedRow {
  return {
    slug: row.slug,
    name: row.name,
    runtimes: row.runtimes,
    estimateMinutes: row.estimateMinutes,
    cells: row.cells.map((cell) => (cell ? packRowCell(brief ? fleetRowCell(cell) : cell) : null)),
  };
}

export function unpackRowCell(serviceSlug: string, capabilitySlug: string, packed: PackedCell): MatrixRowCell {
  const [state, estimateText, criteria, criteriaHeld, liveStatus, history, chain, chainSummary, shownInCell] = packed;
  return {
    key: serviceCellKey(serviceSlug, capabilitySlug),
    state,
    estimateText,
    criteria,
    criteriaHeld,
    liveStatus,
    history,
    chain,
    chainSummary,
    ...shownInCell,
  };
}
