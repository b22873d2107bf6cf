import {
  type CompactMatrixView,
  type CompactRow,
  GROUP_ROWS_PAST,
  groupRows,
  newestCheckAt,
} from '@/lib/matrix/compact';
import type { FilterMatchFigures, MatrixFilter } from '@/lib/matrix/filter';
import { EMPTY_FILTER, isFilterActive } from '@/lib/matrix/filter';
import { packRow } from '@/lib/matrix/row-wire';
import { formatMinutes, formatMinutesDelta } from '@/lib/plan/estimate';
import { GateChecklist } from './gate-checklist';
import { MatrixCellContent } from './matrix-cell';
import { MatrixColumns, MatrixRow } from './matrix-row';
import { MatrixRefresh } from './matrix-refresh';
import { StateFilter } from './state-filter';
import './matrix.css';
import { RefreshWhileVerifying } from './verify-status';

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

function Head({ view }: { view: CompactMatrixView }) {
  return (
    <thead>
      <tr>
        <th scope="col">Service</th>
        {view.columns.map((column) => (
          <th scope="col" key={column.slug} data-capability={column.slug}>
            {column.name}
          </th>
        ))}
        <th scope="col">Estimate</th>
      </tr>
    </thead>
  );
}

function Rows({
  rows,
  matching,
  grouped = false,
}: {
  rows: CompactRow[];
  matching: Set<string> | null;
  grouped?: boolean;
}) {
  return (
    <tbody>
      {rows.map((row) => (
        <MatrixRow
          key={row.slug}
          row={packRow(row, grouped)}
          verifyPerCell={!grouped}
          dimmed={matching ? row.cells.flatMap((c) => (c && !matching.has(c.key) ? [c.key] : [])) : undefined}
        />
      ))}
    </tbody>
  );
}

function Totals({ view, filtering }: { view: CompactMatrixView; filtering: boolean }) {
  return (
    <tfoot>
      <tr>
        {/* A filter hides rows but not these sums: say so where the numbers are. */}
        <th scope="row" data-testid="totals-label">
          {filtering ? 'Total, whole plan (not filtered)' : 'Total'}
        </th>
        {view.columns.map((column) => (
          <td key={column.slug} className="total" data-testid="column-total">
            {formatMinutes(column.estimateMinutes)}
          </td>
        ))}
        <td className="total" data-testid="grand-total">
          {formatMinutes(view.totals.serviceCellsMinutes)}
        </td>
      </tr>
    </tfoot>
  );
}

const CAPTION = 'Services × capabilities, with the plan’s effort estimates. n/a: the service has no browser frontend.';

/**
 * The service × capability matrix, rendered on the server from the compact view. Past
 * GROUP_ROWS_PAST services the rows come in collapsible groups, "needs attention" first. The
 * client islands are small: one per row (its cells, their on-demand detail and Verify buttons,
 * from the row's compact data), and a revision check that re-renders the page when the store
 * changed.
 */
export function MatrixBoard({
  view,
  etag,
  matching = null,
  filter = EMPTY_FILTER,
  shown = null,
}: {
  view: CompactMatrixView;
  etag: string;
  /** Keys of the cells that pass the filter; null when not filtering. */
  matching?: Set<string> | null;
  filter?: MatrixFilter;
  /** What the filter leaves shown (cells, estimates, verified); null when not filtering. */
  shown?: FilterMatchFigures | null;
}) {
  const { totals, progress } = view;
  const filtering = isFilterActive(filter) && matching !== null;
  // While filtering, a service with no matching cell is left out; the others keep their shape.
  const rows = filtering ? view.rows.filter((r) => r.cells.some((c) => c && matching.has(c.key))) : view.rows;
  const groups = view.rows.length > GROUP_ROWS_PAST ? groupRows(rows) : null;

  return (
    <>
      <MatrixRefresh etag={etag} newestCheckAt={newestCheckAt(view)} />
      <section aria-labelledby="progress-heading" className="summary">
        <h2 id="progress-heading" className="visually-hidden">
          Progress
        </h2>
        <p className="figures-scope" data-testid="figures-scope">
          {filtering ? (
            <>
              These figures, the state counts and the table’s Total row are not filtered: they cover the whole plan, the
              gate included. The filter only hides rows and dims cells.
            </>
          ) : (
            'Whole plan, the gate included; the table below is service work only.'
          )}
        </p>
        {filtering && shown ? (
          <div className="figure" data-testid="filter-figures">
            <span className="figure-value">{shown.cells}</span>
            <span className="figure-label">
              {shown.cells === 1 ? 'cell matches' : 'cells match'} the filter: {formatMinutes(shown.estimateMinutes)} of
              estimates, {shown.verified} verified
            </span>
          </div>
        ) : null}
        <div className="figure" data-testid="progress-verified">
          <span className="figure-value">{percent(progress.verifiedFraction)}</span>
          <span className="figure-label">
            verified by live data ({formatMinutes(progress.verifiedMinutes)} of {formatMinutes(progress.totalMinutes)})
          </span>
        </div>
        <div className="figure" data-testid="progress-closed">
          <span className="figure-value">{percent(progress.closedFraction)}</span>
          <span className="figure-label">issues closed ({formatMinutes(progress.closedMinutes)})</span>
        </div>
        <div className="figure" data-testid="estimate-totals">
          <span className="figure-value">{formatMinutes(totals.planCellsMinutes)}</span>
          <span className="figure-label">
            the plan&apos;s issues add up to this; its headline says {totals.headlineText} (
            <strong data-testid="estimate-difference">{formatMinutesDelta(totals.differenceMinutes)}</strong>)
          </span>
        </div>
      </section>

      {view.gate ? (
        <section id="gate" aria-labelledby="gate-heading" className="gate">
          <h2 id="gate-heading">Gate: {view.gate.title}</h2>
          <p>Go/no-go for every service below: Pyroscope ready, Alloy faro receiver → Loki round trip.</p>
          <MatrixCellContent cell={view.gate} />
          <GateChecklist cellKey={view.gate.key} />
        </section>
      ) : null}

      <RefreshWhileVerifying />
      <StateFilter counts={progress.countsByState} filter={filter} />

      {/* Cells need only their capability's slug and name, given once for every row. */}
      <MatrixColumns columns={view.columns.map(({ slug, name }) => ({ slug, name }))}>
        {groups ? (
          <div className="matrix-groups" data-testid="matrix">
            <p className="caption">
              {CAPTION} {view.rows.length} services in {groups.length} groups; needs attention first.
            </p>
            {groups.map((group, index) => (
              <details
                key={group.id}
                className="matrix-group"
                data-group={group.id}
                open={filtering || group.id === 'attention' || (index === 0 && groups[0].id !== 'attention')}
              >
                <summary>
                  <span className="group-label">{group.label}</span> ({group.rows.length} service
                  {group.rows.length === 1 ? '' : 's'}) <span className="group-hint">{group.hint}</span>
                </summary>
                <div className="table-scroll">
                  <table className="matrix">
                    <Head view={view} />
                    <Rows rows={group.rows} matching={filtering ? matching : null} grouped />
                  </table>
                </div>
              </details>
            ))}
            <div className="table-scroll">
              <table className="matrix matrix-totals">
                <Head view={view} />
                <Totals view={view} filtering={filtering} />
              </table>
            </div>
          </div>
        ) : (
          <div className="table-scroll">
            <table className="matrix" data-testid="matrix">
              <caption>{CAPTION}</caption>
              <Head view={view} />
              <Rows rows={rows} matching={filtering ? matching : null} />
              <Totals view={view} filtering={filtering} />
            </table>
          </div>
        )}
      </MatrixColumns>
    </>
  );
}
