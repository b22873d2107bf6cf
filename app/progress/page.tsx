import type { Metadata } from 'next';
import { serverConfig } from '@/lib/config/env';
import { getStore } from '@/lib/db/store';
import { buildMatrix } from '@/lib/matrix/build';
import { buildBurnUp, type Forecast } from '@/lib/matrix/burn-up';
import { buildProgressReport, type ProgressLine } from '@/lib/matrix/progress';
import { readMatrixInput } from '@/lib/matrix/read';
import { pageRead } from '@/lib/server/page-read';
import { formatMinutes, formatMinutesDelta, MINUTES_PER_DAY } from '@/lib/plan/estimate';
import { BurnUpChart } from '../_components/burn-up-chart';
import { ReadFailure } from '../_components/read-failure';
import './progress.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Progress' };

/** Calendar time, in the unit a person would say: "3h", "4 days", "21 weeks". */
function formatDuration(minutes: number): string {
  if (minutes < 24 * 60) return formatMinutes(minutes);
  const days = Math.round(minutes / (24 * 60));
  return days < 28 ? `${days} day${days === 1 ? '' : 's'}` : `${Math.round(days / 7)} weeks`;
}

const percent = (part: number, whole: number) => (whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`);

function ProgressTable({ caption, lines, testId }: { caption: string; lines: ProgressLine[]; testId: string }) {
  return (
    // Focusable, so a keyboard user can scroll it when it is wider than the screen.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="table-scroll" aria-label={caption} tabIndex={0}>
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
              <td>
                {l.closedMinutes === l.verifiedMinutes ? 'none' : formatMinutes(l.closedMinutes - l.verifiedMinutes)}
              </td>
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
    </section>
  );
}

const OUTLOOK_TEXT = { done: 'done', 'on-track': 'on track', 'at-risk': 'at risk', late: 'late' } as const;
const perWeek = (minutes: number) => `${formatMinutes(Math.round(minutes))}/week`;

/** The forecast in a PM's words: a range or "stalled since", the rate it uses, and the outlook against the target. */
function ForecastSummary({ forecast }: { forecast: Forecast }) {
  const { range, stalledSince, outlook, targetDate } = forecast;
  let headline: string;
  if (forecast.remainingMinutes <= 0) headline = 'Every cell is verified.';
  else if (stalledSince) headline = `Stalled since ${stalledSince}: no finish date.`;
  else if (!range) headline = forecast.lastProgressDate ? 'No finish date yet.' : 'Not started: no finish date.';
  else if (range.pessimistic.finishDate)
    headline = `Likely ${range.likely.finishDate} (${range.optimistic.finishDate} to ${range.pessimistic.finishDate}).`;
  else headline = `Likely ${range.likely.finishDate}, at best ${range.optimistic.finishDate}; no pessimistic date.`;
  return (
    <section
      aria-labelledby="forecast-heading"
      className="forecast"
      data-testid="forecast"
      data-stalled={stalledSince ? 'true' : undefined}
    >
      <h2 id="forecast-heading">Forecast</h2>
      <p className="forecast-headline" data-testid="forecast-headline">
        {headline}
        {targetDate ? (
          <>
            {' '}
            Target {targetDate}:{' '}
            <strong
              className={`outlook outlook-${outlook}`}
              data-testid="forecast-outlook"
              data-outlook={outlook ?? ''}
            >
              {outlook ? OUTLOOK_TEXT[outlook] : 'unknown'}
            </strong>
            .
          </>
        ) : (
          ' Set TARGET_DATE to compare it with a target.'
        )}
      </p>
      {range ? (
        <dl className="facts forecast-range" data-testid="forecast-range">
          <dt>Optimistic</dt>
          <dd data-point="optimistic">
            {range.optimistic.finishDate} at {perWeek(range.optimistic.minutesPerWeek)}
          </dd>
          <dt>Likely</dt>
          <dd data-point="likely">
            {range.likely.finishDate} at {perWeek(range.likely.minutesPerWeek)}
          </dd>
          <dt>Pessimistic</dt>
          <dd data-point="pessimistic">
            {range.pessimistic.finishDate
              ? `${range.pessimistic.finishDate} at ${perWeek(range.pessimistic.minutesPerWeek)}`
              : 'no date: in a quarter of the weeks nothing was verified'}
          </dd>
        </dl>
      ) : null}
      <p className="muted" data-testid="forecast-rate">
        Rate used: estimate verified by live data per week over the last {forecast.windowWeeks} week
        {forecast.windowWeeks === 1 ? '' : 's'} (
        {forecast.weeklyVerifiedMinutes.map((m) => formatMinutes(m)).join(', ')}; optimistic, likely and pessimistic are
        the 75th percentile, mean and 25th percentile of those weeks). A cell counts when it is verified; the first
        check of an issue closed before checking began counts on the day the issue closed, not as this week&apos;s work.
        For comparison, issues closed {perWeek(forecast.closedPerWeekMinutes)}.
        {formatMinutes(forecast.remainingMinutes)} of the plan is not verified yet. No closure and no verification for{' '}
        {forecast.stallDays} days counts as a stall
        {forecast.lastProgressDate ? ` (last progress ${forecast.lastProgressDate})` : ''}.
      </p>
    </section>
  );
}

export default async function ProgressPage() {
  const read = await pageRead('the progress figures (burn-up, forecast, overruns)', async () =>
    readMatrixInput(await getStore()),
  );
  if (!read.ok) return <ReadFailure {...read} retryHref="/progress" />;
  const input = read.value;
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
        {report.gate ? (
          <div className="figure" data-testid="service-verified">
            <span className="figure-value">
              {percent(report.serviceWork.verifiedMinutes, report.serviceWork.totalMinutes)}
            </span>
            <span className="figure-label">
              of service work verified ({formatMinutes(report.serviceWork.verifiedMinutes)} of{' '}
              {formatMinutes(report.serviceWork.totalMinutes)}, the gate left out)
            </span>
          </div>
        ) : null}
        {report.gate ? (
          <div className="figure" data-testid="gate-progress">
            <span className="figure-value">
              {report.gate.verifiedMinutes > 0 ? 'verified' : report.gate.closedMinutes > 0 ? 'closed' : 'open'}
            </span>
            <span className="figure-label">
              the gate ({report.gate.estimateText}, counted as {formatMinutes(report.gate.totalMinutes)}: a day is{' '}
              {formatMinutes(MINUTES_PER_DAY)} of work)
            </span>
          </div>
        ) : null}
      </section>

      <p className="muted" data-testid="totals-note">
        The whole plan is {formatMinutes(overall.totalMinutes)}: {formatMinutes(report.serviceWork.totalMinutes)} of
        service work (the tables below and the matrix&apos;s total)
        {report.gate ? ` plus the gate's ${formatMinutes(report.gate.totalMinutes)}` : ''}. Percentages are
        estimate-weighted.
      </p>

      <ForecastSummary forecast={forecast} />

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
              Sum of the estimates written in the issues ({estimates.issuesWithEstimate} of {estimates.cellsWithIssue}{' '}
              synced issues state an estimate)
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

      <h2>Time open</h2>
      <p className="muted">
        Calendar time from opened to closed, next to the plan&apos;s estimate (the one the matrix uses). Time open is
        not effort: an issue can wait weeks for review and still take its estimated hours.
      </p>
      {report.cycleTimes.length === 0 ? (
        <p>No issue has closed yet.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section className="table-scroll" aria-label="Time open per closed issue" tabIndex={0}>
          <table className="data-table" data-testid="cycle-times">
            <thead>
              <tr>
                <th scope="col">Issue</th>
                <th scope="col">Estimate</th>
                <th scope="col">Time open</th>
              </tr>
            </thead>
            <tbody>
              {report.cycleTimes.slice(0, 10).map((o) => (
                <tr key={o.cellKey} data-cell={o.cellKey}>
                  <td>
                    <a href={o.issueUrl}>{o.issue}</a> {o.title}
                  </td>
                  <td>
                    {o.estimateText}
                    {o.issueEstimateText ? (
                      <span className="differs" data-testid="issue-estimate-differs">
                        {' '}
                        (the issue says {o.issueEstimateText})
                      </span>
                    ) : null}
                  </td>
                  <td>{formatDuration(o.openMinutes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
