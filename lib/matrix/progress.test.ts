import { describe, expect, it } from 'vitest';
import { buildMatrix } from './build';
import { buildProgressReport } from './progress';
import type { CheckFact, IssueFact } from './types';
import { loadPlanFile } from '../plan/load';
import { PHASE_3_PLAN } from '@/test/stores';

const { plan } = loadPlanFile(PHASE_3_PLAN);
const issue = (
  cellKey: string,
  closed: { openedAt: string; closedAt: string } | null,
  estimateMinutes: number | null,
): IssueFact => ({
  id: `o/r#${cellKey}`,
  repo: 'o/r',
  number: 7,
  title: cellKey,
  state: closed ? 'closed' : 'open',
  assignees: ['a'],
  htmlUrl: `https://github.com/o/r/issues/7`,
  estimateText: estimateMinutes === null ? null : `${estimateMinutes}min`,
  estimateMinutes,
  linkedPullRequests: [],
  cellKey,
  openedAt: closed?.openedAt ?? '2026-11-01T00:00:00Z',
  closedAt: closed?.closedAt ?? null,
});
const pass = (cellKey: string, check = 'pyroscope'): CheckFact => ({
  cellKey,
  check,
  target: 't',
  status: 'pass',
  message: null,
  durationMs: 1,
  checkedAt: '2026-11-20T00:00:00Z',
});

describe('buildProgressReport', () => {
  // Built inside each test (not once as the file loads), so a mutation of the report is seen by the test.
  const view = () =>
    buildMatrix({
      plan: { ...plan },
      services: plan.services,
      capabilities: plan.capabilities,
      cells: plan.cells,
      issues: [
        issue('acapy-agent/profiling-code', { openedAt: '2026-11-01T00:00:00Z', closedAt: '2026-11-01T03:00:00Z' }, 90),
        issue('acapy-agent/profiling-helm', { openedAt: '2026-11-01T00:00:00Z', closedAt: '2026-11-01T00:10:00Z' }, 15),
        issue('traction/faro-code', null, 240),
      ],
      // All three criteria of acapy-agent's code cell hold: profiles, the CPU flame graph and latency.
      checks: ['pyroscope', 'flame-graph', 'latency'].map((check) => pass('acapy-agent/profiling-code', check)),
    });
  const report = () => buildProgressReport(view());

  it('counts closed and verified side by side, so the gap is a number', () => {
    expect(report().overall).toMatchObject({
      totalMinutes: 2190,
      closedMinutes: 75,
      verifiedMinutes: 60,
      gapMinutes: 15,
    });
    expect(report().byService.find((s) => s.slug === 'acapy-agent')).toMatchObject({
      totalMinutes: 75,
      closedMinutes: 75,
      verifiedMinutes: 60,
    });
    expect(report().byCapability.find((c) => c.slug === 'profiling-code')).toMatchObject({
      totalMinutes: 600,
      verifiedMinutes: 60,
    });
  });

  it('sets the plan headline, the cells and the issue estimates side by side', () => {
    expect(report().estimates).toMatchObject({
      headlineMinutes: 1620,
      planCellsMinutes: 2190,
      issueEstimatesMinutes: 345,
      cellsWithIssue: 3,
      issuesWithEstimate: 3,
      cellCount: 27,
    });
  });

  it('shows how long closed issues stayed open next to the plan estimate, never as a ratio of effort', () => {
    // acapy-agent/profiling-code: the plan says ~1h (the matrix's figure), the issue 90min; it stayed open 3h.
    expect(report().cycleTimes.map((o) => [o.cellKey, o.openMinutes, o.estimateMinutes, o.issueEstimateText])).toEqual([
      ['acapy-agent/profiling-code', 180, 60, '90min'],
      ['acapy-agent/profiling-helm', 10, 15, null],
    ]);
    expect(report().cycleTimes[0]).not.toHaveProperty('ratio');
  });

  it('keeps the gate apart from service work', () => {
    expect(report().gate).toMatchObject({ totalMinutes: 240, estimateText: '~½ day' });
    expect(report().serviceWork).toMatchObject({ totalMinutes: 1950, closedMinutes: 75, verifiedMinutes: 60 });
    expect(report().serviceWork.totalMinutes + report().gate!.totalMinutes).toBe(report().overall.totalMinutes);
  });

  it('counts a regressed cell as closed, not verified; names each line; lists cycle times longest first', () => {
    const built = view();
    // The report counts what the derived states say: here a regressed cell, a closure order the plan
    // order does not match, and an issue without an estimate of its own.
    const edited = {
      ...built,
      rows: built.rows.map((row) => ({
        ...row,
        cells: row.cells.map((cell) => {
          if (cell?.key === 'traction/faro-code')
            return { ...cell, state: 'regressed' as const, issue: { ...cell.issue!, estimateMinutes: null } };
          if (cell?.key === 'acapy-agent/profiling-helm')
            return { ...cell, issue: { ...cell.issue!, closedAt: '2026-11-02T00:00:00Z' } };
          return cell;
        }),
      })),
    };
    const regressed = edited.rows.flatMap((r) => r.cells).find((c) => c?.key === 'traction/faro-code')!;
    const got = buildProgressReport(edited);
    expect(got.overall).toMatchObject({
      slug: 'all',
      name: 'Whole plan',
      closedMinutes: 75 + regressed.estimateMinutes,
      verifiedMinutes: 60,
    });
    expect(got.serviceWork).toMatchObject({ slug: 'services', name: 'Service work' });
    expect(got.gate).toMatchObject({ slug: 'gate', name: `Gate: ${built.gate!.title}` });
    expect(got.cycleTimes.map((c) => [c.cellKey, c.openMinutes])).toEqual([
      ['acapy-agent/profiling-helm', 1440],
      ['acapy-agent/profiling-code', 180],
    ]);
    expect(got.cycleTimes[1]).toMatchObject({
      issue: 'o/r#7',
      issueUrl: 'https://github.com/o/r/issues/7',
      estimateText: '~1h',
    });
    expect(got.estimates).toMatchObject({ issuesWithEstimate: 2, issueEstimatesMinutes: 105, cellsWithIssue: 3 });
  });
});
