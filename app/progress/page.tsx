import { serverConfig } from '@/lib/config/env';
import { getStore } from '@/lib/db/store';
import { buildMatrix } from '@/lib/matrix/build';
import { buildBurnUp } from '@/lib/matrix/burn-up';
import { buildProgressReport, type ProgressLine } from '@/lib/matrix/progress';
import { readMatrixInput } from '@/lib/matrix/read';
import { formatMinutes, formatMinutesDelta } from '@/lib/plan/estimate';
import { BurnUpChart } from '../_components/burn-up-chart';

export const dynamic = 'force-dynamic';

const percent = (part: number, whole: number) => (whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`);

function ProgressTable({ caption, lines, testId }: { caption: string; lines: ProgressLine[]; testId: string }) {
  return (
    <table className="data-table progress-table" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Estimate</th>
          <th scope="col">Closed</th>
          <th scope="col">Verified</th>
          <th scope="col">Gap</th>
          <th scope="col">
            <span className="visually-hidden">Bar</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.slug} data-line={l.slug}>
            <th scope="row">{l.name}</th>
            <td>{formatMinutes(l.totalMinutes)}</td>
            <td>{percent(l.closedMinutes, l.totalMinutes)}</td>
            <td>{percent(l.verifiedMinutes, l.totalMinutes)}</td>
            <td>{formatMinutes(l.closedMinutes - l.verifiedMinutes)}</td>
            <td>
              <div className="bar" aria-hidden="true">
                <span className="bar-closed" style={{ width: percent(l.closedMinutes, l.totalMinutes) }} />
                <span className="bar-verified" style={{ width: percent(l.verifiedMinutes, l.totalMinutes) }} />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function ProgressPage() {
  const input = await readMatrixInput(await getStore());
  const view = buildMatrix(input);
  const report = buildProgressReport(view);
  const burnUp = buildBurnUp(input, new Date(), { targetDate: serverConfig().TARGET_DATE ?? null });
  const { overall, estimates } = report;
  const { forecast } = burnUp;

  return (
    <>
      <h1>Progress against estimates</h1>
      <section className="summary" aria-label="Overall progress">
        <div className="figure" data-testid="overall-closed">
          <span className="figure-value">{percent(overall.closedMinutes, overall.totalMinutes)}</span>
          <span className="figure-label">
            closed ({formatMinutes(overall.closedMinutes)} of {formatMinutes(overall.totalMinutes)})
          </span>
        </div>
        <div className="figure" data-testid="overall-verified">
          <span className="figure-value">{percent(overall.verifiedMinutes, overall.totalMinutes)}</span>
          <span className="figure-label">verified by live data ({formatMinutes(overall.verifiedMinutes)})</span>
        </div>
        <div className="figure" data-testid="overall-gap">
          <span className="figure-value">{formatMinutes(overall.gapMinutes)}</span>
          <span className="figure-label">closed but not proven by data</span>
        </div>
        <div className="figure" data-testid="forecast">
          <span className="figure-value">{forecast.finishDate ?? '—'}</span>
          <span className="figure-label">
            {forecast.finishDate
              ? `forecast finish at ${formatMinutes(Math.round(forecast.ratePerDay))}/day verified (last ${forecast.windowDays} days)`
              : `no forecast: nothing verified in the last ${forecast.windowDays} days`}
            {forecast.targetDate
              ? `; target ${forecast.targetDate}${targetVerdict(forecast.daysLate)}`
              : '; set TARGET_DATE to compare with a target'}
          </span>
        </div>
      </section>

      <h2>Burn-up</h2>
      <BurnUpChart burnUp={burnUp} />

      <h2>Estimates</h2>
      <table className="data-table" data-testid="estimates">
        <tbody>
          <tr>
            <th scope="row">Plan headline</th>
            <td>{estimates.headlineText}</td>
            <td />
          </tr>
          <tr>
            <th scope="row">Sum of the plan&apos;s cells ({estimates.cellCount})</th>
            <td>{formatMinutes(estimates.planCellsMinutes)}</td>
            <td>{formatMinutesDelta(estimates.planCellsMinutes - estimates.headlineMinutes)} vs headline</td>
          </tr>
          <tr>
            <th scope="row">
              Sum of the issues&apos; own estimates ({estimates.issuesWithEstimate} of {estimates.cellsWithIssue} synced
              issues state one)
            </th>
            <td>{formatMinutes(estimates.issueEstimatesMinutes)}</td>
            <td>
              {estimates.cellsWithIssue === 0
                ? 'no issues synced yet'
                : `${formatMinutesDelta(estimates.issueEstimatesMinutes - estimates.headlineMinutes)} vs headline`}
            </td>
          </tr>
        </tbody>
      </table>

      <h2>By service</h2>
      <ProgressTable caption="Estimate-weighted progress per service" lines={report.byService} testId="by-service" />
      <h2>By capability</h2>
      <ProgressTable
        caption="Estimate-weighted progress per capability"
        lines={report.byCapability}
        testId="by-capability"
      />

      <h2>Biggest overruns</h2>
      {report.overruns.length === 0 ? (
        <p>No closed issue took longer (opened → closed) than its estimate.</p>
      ) : (
        <table className="data-table" data-testid="overruns">
          <thead>
            <tr>
              <th scope="col">Issue</th>
              <th scope="col">Estimate</th>
              <th scope="col">Opened → closed</th>
              <th scope="col">Ratio</th>
            </tr>
          </thead>
          <tbody>
            {report.overruns.slice(0, 10).map((o) => (
              <tr key={o.cellKey}>
                <td>
                  <a href={o.issueUrl}>{o.issue}</a> {o.title}
                </td>
                <td>{formatMinutes(o.estimateMinutes)}</td>
                <td>{formatMinutes(o.elapsedMinutes)}</td>
                <td>×{o.ratio.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function targetVerdict(daysLate: number | null): string {
  if (daysLate === null) return '';
  return daysLate > 0 ? `, ${daysLate} days late` : ', on track';
}
