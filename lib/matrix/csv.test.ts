import { describe, expect, it } from 'vitest';
import { exportRows, toCsv } from './csv';
import { buildMatrix } from './build';
import { checkFactOf } from './check-fact';
import type { IssueFact } from './types';
import { loadPlanFile } from '../plan/load';
import { PHASE_3_PLAN } from '@/test/stores';

describe('matrix export', () => {
  const { plan } = loadPlanFile(PHASE_3_PLAN);
  const view = buildMatrix({
    plan: { ...plan, headlineEstimateText: plan.headlineEstimateText },
    services: plan.services,
    capabilities: plan.capabilities,
    cells: plan.cells,
    issues: [],
    checks: [],
  });

  it('has one row per cell, gate first, with the plan estimates', () => {
    const rows = exportRows(view);
    expect(rows).toHaveLength(27);
    expect(rows[0]).toMatchObject({ service: '(gate)', cell: 'gate/infrastructure', planEstimateMinutes: 240 });
    expect(rows.reduce((s, r) => s + r.planEstimateMinutes, 0)).toBe(36.5 * 60);
    // The evidence chain travels with every row.
    expect(rows[1]).toMatchObject({ evidenceFurthest: 'none', evidenceSummary: 'nothing proven yet' });
    expect(rows[1].evidenceLinks).toBe(
      'issue-closed:not-checked merged:not-checked deployed:not-checked data-flowing:not-checked',
    );
  });

  it('quotes fields per RFC 4180 and defuses spreadsheet formulas', () => {
    const csv = toCsv([{ ...exportRows(view)[1], title: 'a, "b"', assignees: '=HYPERLINK("x")' }]);
    const [header, line] = csv.trimEnd().split('\r\n');
    expect(header.split(',')[0]).toBe('service');
    expect(line).toContain('"a, ""b"""');
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
    for (const formula of ['\t=1+1', '\r=1+1', '+1+1', '-1+1', '@SUM(A1)']) {
      const [, row] = toCsv([{ ...exportRows(view)[1], title: formula }])
        .trimEnd()
        .split('\r\n');
      expect(row, JSON.stringify(formula)).toMatch(/(^|,)"?'[\t\r=+\-@]/);
    }
  });
});

describe('matrix export of a cell with history', () => {
  const { plan } = loadPlanFile(PHASE_3_PLAN);
  const check = (name: string, status: string, checkedAt: string) =>
    checkFactOf({
      cellKey: 'traction/profiling-helm',
      check: name,
      target: 't',
      status,
      message: `${name} ${status}`,
      durationMs: 5,
      checkedAt: new Date(checkedAt),
      evidence: '{}',
    });
  // traction's Helm cell: closed with its own estimate, deployed on the 11th, failing since the 12th.
  const issue: IssueFact = {
    id: 'bcgov/traction#12',
    repo: 'bcgov/traction',
    number: 12,
    title: 't',
    state: 'closed',
    assignees: ['ana', 'bo'],
    htmlUrl: 'https://github.com/bcgov/traction/issues/12',
    estimateText: '~2h',
    estimateMinutes: 120,
    linkedPullRequests: [],
    cellKey: 'traction/profiling-helm',
    openedAt: '2026-11-01T00:00:00.000Z',
    closedAt: '2026-11-10T00:00:00.000Z',
  };
  const view = buildMatrix({
    plan,
    services: plan.services,
    capabilities: plan.capabilities,
    cells: plan.cells,
    issues: [issue],
    checks: [
      check('merged', 'pass', '2026-11-11T00:00:00.000Z'),
      check('deployed', 'pass', '2026-11-11T00:00:00.000Z'),
      check('deployed', 'fail', '2026-11-12T00:00:00.000Z'),
    ],
  });

  it('carries the issue, its people, the newest checks and a regressed link into the row', () => {
    const rows = exportRows(view);
    expect(rows.find((r) => r.cell === 'traction/profiling-helm')).toEqual({
      service: 'traction',
      capability: 'profiling-helm',
      cell: 'traction/profiling-helm',
      title: 'traction — Pyroscope Helm Chart Updates',
      state: 'regressed',
      planEstimate: '~15min',
      planEstimateMinutes: 15,
      issue: 'bcgov/traction#12',
      issueUrl: 'https://github.com/bcgov/traction/issues/12',
      issueState: 'closed',
      issueEstimateMinutes: 120,
      assignees: 'ana bo',
      lastVerifiedAt: '2026-11-11T00:00:00.000Z',
      latestChecks: 'deployed:fail merged:pass',
      evidenceFurthest: 'merged',
      evidenceSummary: 'merged, not deployed',
      evidenceLinks: 'issue-closed:passed merged:passed deployed:failed(regressed) data-flowing:not-checked',
    });
  });

  it('leaves the issue columns empty, not "undefined", for a cell without an issue or checks', () => {
    const row = exportRows(view).find((r) => r.cell === 'traction/faro-code');
    expect(row).toMatchObject({
      issue: '',
      issueUrl: '',
      issueState: '',
      issueEstimateMinutes: '',
      assignees: '',
      lastVerifiedAt: '',
      latestChecks: '',
    });
    const withoutEstimate = buildMatrix({
      plan,
      services: plan.services,
      capabilities: plan.capabilities,
      cells: plan.cells,
      issues: [{ ...issue, estimateText: null, estimateMinutes: null, assignees: [] }],
      checks: [],
    });
    expect(exportRows(withoutEstimate).find((r) => r.cell === 'traction/profiling-helm')).toMatchObject({
      issue: 'bcgov/traction#12',
      issueEstimateMinutes: '',
      assignees: '',
    });
  });

  it('writes a plain row as plain CSV: only the fields that need it are quoted, none is prefixed', () => {
    const row = exportRows(view).find((r) => r.cell === 'traction/profiling-helm')!;
    const [, line] = toCsv([row]).split('\r\n');
    expect(line).toBe(
      'traction,profiling-helm,traction/profiling-helm,traction — Pyroscope Helm Chart Updates,regressed,~15min,15,' +
        'bcgov/traction#12,https://github.com/bcgov/traction/issues/12,closed,120,ana bo,2026-11-11T00:00:00.000Z,' +
        'deployed:fail merged:pass,merged,"merged, not deployed",' +
        'issue-closed:passed merged:passed deployed:failed(regressed) data-flowing:not-checked',
    );
  });

  it('starts with the service cells when the plan has no gate, and exports nothing as an empty file', () => {
    const rows = exportRows({ ...view, gate: null });
    expect(rows).toHaveLength(26);
    expect(rows[0]).toMatchObject({ service: 'acapy-agent', capability: 'profiling-code' });
    expect(toCsv([])).toBe('');
  });
});
