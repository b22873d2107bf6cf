'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatMinutes, formatMinutesDelta } from '@/lib/plan/estimate';
import { cellMatches, EMPTY_FILTER, isFilterActive, type MatrixFilter } from '@/lib/matrix/filter';
import type { MatrixCell, MatrixView } from '@/lib/matrix/types';
import { CellIssueSummary } from './cell-issue';
import { CellSignals, cellSignature, useChanged } from './cell-signals';
import { ChainDots } from './evidence-chain';
import { fetchJson } from './fetch-json';
import { Sparkline } from './sparkline';
import { StateFilter } from './state-filter';
import { VerifyButton } from './verify-button';
import { RefreshWhileVerifying } from './verify-status';

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

/** The criteria that do not hold, named: shown on hover and on keyboard focus of the cell. */
const notHolding = (cell: MatrixCell) => cell.criteria.filter((c) => !c.holds);

function CellLink({ cell }: { cell: MatrixCell }) {
  const changed = useChanged(cellSignature(cell));
  const failing = notHolding(cell);
  const describedBy = failing.length > 0 ? `failing-${cell.key.replace(/\W/g, '-')}` : undefined;
  return (
    <Link
      href={cell.href}
      className={`cell state-${cell.state}${changed ? ' changed' : ''}`}
      title={cell.stateReason}
      data-cell={cell.key}
      data-state={cell.state}
      data-changed={changed ? 'true' : undefined}
      aria-describedby={describedBy}
    >
      <span className="cell-state">{cell.stateLabel}</span>
      <span className="cell-estimate">{cell.estimateText}</span>
      {cell.criteria.length > 0 ? (
        <span className="cell-criteria" data-testid="cell-criteria">
          {cell.criteriaHeld} of {cell.criteria.length} criteria
        </span>
      ) : null}
      {describedBy ? (
        <span className="cell-failing" id={describedBy} data-testid="cell-failing">
          {failing.map((c) => `✗ ${c.text}: ${c.reason}`).join(' · ')}
        </span>
      ) : null}
      <ChainDots chain={cell.chain} />
    </Link>
  );
}

/** A matrix cell's signals, history and its own Verify now (outside the link: a button may not sit inside one). */
function CellTools({ cell }: { cell: MatrixCell }) {
  return (
    <span className="matrix-cell-tools">
      <CellSignals cell={cell} />
      <Sparkline history={cell.history} />
      <VerifyButton scope={{ kind: 'cell', key: cell.key }} label={`Verify ${cell.title} now`} compact />
    </span>
  );
}

/** The service × capability matrix. Server-rendered with the initial view; react-query refreshes it. */
export function MatrixBoard({
  initialView,
  filter = EMPTY_FILTER,
}: {
  initialView: MatrixView;
  filter?: MatrixFilter;
}) {
  const { data: view, error } = useQuery({
    queryKey: ['matrix'],
    queryFn: () => fetchJson<MatrixView>('/api/matrix'),
    initialData: initialView,
    refetchInterval: 30_000,
  });
  const { totals, progress } = view;
  const filtering = isFilterActive(filter);
  const dimmed = (cell: MatrixCell, runtimes: string[]) =>
    filtering && !cellMatches(cell, runtimes, filter) ? 'true' : undefined;
  // While filtering, a service with no matching cell is left out; the others keep their shape.
  const rows = filtering
    ? view.rows.filter((r) => r.cells.some((c) => c && cellMatches(c, r.service.runtimes, filter)))
    : view.rows;

  return (
    <>
      {error ? (
        <p role="alert" className="notice notice-error">
          Could not refresh the matrix: {error.message}. Showing the last data loaded.
        </p>
      ) : null}

      <section aria-labelledby="progress-heading" className="summary">
        <h2 id="progress-heading" className="visually-hidden">
          Progress
        </h2>
        <p className="figures-scope" data-testid="figures-scope">
          {filtering
            ? 'These figures and the table totals cover the whole plan: the filter only hides rows and dims cells.'
            : 'Whole plan, the gate included; the table below is service work only.'}
        </p>
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
          <CellLink cell={view.gate} />
          <CellIssueSummary cell={view.gate} />
          <CellTools cell={view.gate} />
        </section>
      ) : null}

      <RefreshWhileVerifying />
      <StateFilter counts={progress.countsByState} filter={filter} />

      <div className="table-scroll">
        <table className="matrix" data-testid="matrix">
          <caption>
            Services × capabilities, with the plan&apos;s effort estimates. n/a: the service has no browser frontend.
          </caption>
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
          <tbody>
            {rows.map((row) => (
              <tr key={row.service.slug} data-service={row.service.slug}>
                <th scope="row">
                  <Link href={`/services/${row.service.slug}`}>{row.service.name}</Link>
                  <span className="runtimes">{row.service.runtimes.join(' · ')}</span>
                </th>
                {row.cells.map((cell, index) =>
                  cell ? (
                    <td
                      key={cell.key}
                      data-dimmed={dimmed(cell, row.service.runtimes)}
                      data-capability-name={view.columns[index].name}
                    >
                      <CellLink cell={cell} />
                      <CellIssueSummary cell={cell} />
                      <CellTools cell={cell} />
                    </td>
                  ) : (
                    <td
                      key={view.columns[index].slug}
                      className="na"
                      data-capability-name={view.columns[index].name}
                      data-cell={`${row.service.slug}/${view.columns[index].slug}`}
                      data-state="n/a"
                    >
                      <abbr title="not applicable">n/a</abbr>
                    </td>
                  ),
                )}
                <td className="total" data-testid="row-total">
                  {formatMinutes(row.estimateMinutes)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              {view.columns.map((column) => (
                <td key={column.slug} className="total" data-testid="column-total">
                  {formatMinutes(column.estimateMinutes)}
                </td>
              ))}
              <td className="total" data-testid="grand-total">
                {formatMinutes(totals.serviceCellsMinutes)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
