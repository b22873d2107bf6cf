import {
  type CompactMatrixView,
  type CompactRow,
  GROUP_PAGE_ROWS,
  GROUP_ROWS_PAST,
  groupRows,
  newestCheckAt,
  type RowGroup,
  type RowGroupId,
  shownRows,
  withGroupExpanded,
} from '@/lib/matrix/compact';
import type { FilterMatchFigures, MatrixFilter } from '@/lib/matrix/filter';
import { boardHref, EMPTY_FILTER, isFilterActive } from '@/lib/matrix/filter';
import { packRow } from '@/lib/matrix/row-wire';
import { formatMinutes, formatMinutesDelta } from '@/lib/plan/estimate';
import { GateChecklist } from './gate-checklist';
import { MatrixCellContent } from './matrix-cell';
import { MatrixColumns, MatrixRow } from './matrix-row';
import { MatrixRefresh } from './matrix-refresh';
import { NavLink } from './nav-link';
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

/**
 * Under a group that holds more services than it shows: how many are shown and a link to the rest
 * (a server-rendered page, so it works without JavaScript); under an expanded one, a link back.
 */
function GroupPaging({
  group,
  shown,
  filter,
  expanded,
}: {
  group: RowGroup;
  shown: number;
  filter: MatrixFilter;
  expanded: ReadonlySet<RowGroupId>;
}) {
  const total = group.rows.length;
  if (total <= GROUP_PAGE_ROWS) return null;
  const all = shown === total;
  const href = `${boardHref(filter, withGroupExpanded(expanded, group.id, !all))}#group-${group.id}`;
  return (
    <p className="group-paging" data-testid="group-paging">
      {all ? `All ${total} services shown. ` : `The first ${shown} of ${total} services shown. `}
      <NavLink href={href} prefetch={false} what={all ? 'the first services' : `all ${total} services`}>
        {all ? `Show the first ${GROUP_PAGE_ROWS} only` : `Show all ${total} ${group.label.toLowerCase()} services`}
      </NavLink>
    </p>
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
  expanded = new Set(),
}: {
  view: CompactMatrixView;
  etag: string;
  /** Keys of the cells that pass the filter; null when not filtering. */
  matching?: Set<string> | null;
  filter?: MatrixFilter;
  /** What the filter leaves shown (cells, estimates, verified); null when not filtering. */
  shown?: FilterMatchFigures | null;
  /** Groups that show every service, not their first GROUP_PAGE_ROWS (?expand=). */
  expanded?: ReadonlySet<RowGroupId>;
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
              {CAPTION} {view.rows.length} services in {groups.length} groups; needs attention first; a group shows its
              first {GROUP_PAGE_ROWS} services until asked for all.
            </p>
            {groups.map((group, index) => {
              const groupRowsShown = shownRows(group, expanded);
              return (
                <details
                  key={group.id}
                  id={`group-${group.id}`}
                  className="matrix-group"
                  data-group={group.id}
                  open={
                    filtering ||
                    group.id === 'attention' ||
                    expanded.has(group.id) ||
                    (index === 0 && groups[0].id !== 'attention')
                  }
                >
                  <summary>
                    <span className="group-label">{group.label}</span> ({group.rows.length} service
                    {group.rows.length === 1 ? '' : 's'}) <span className="group-hint">{group.hint}</span>
                  </summary>
                  <div className="table-scroll">
                    <table className="matrix">
                      <Head view={view} />
                      <Rows rows={groupRowsShown} matching={filtering ? matching : null} grouped />
                    </table>
                  </div>
                  <GroupPaging group={group} shown={groupRowsShown.length} filter={filter} expanded={expanded} />
                </details>
              );
            })}
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
