import { describe, expect, it } from 'vitest';
import { exportRows, toCsv } from './csv';
import { buildMatrix } from './build';
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
