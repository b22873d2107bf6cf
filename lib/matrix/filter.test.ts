import { describe, expect, it } from 'vitest';
import { buildMatrix } from './build';
import { filterMatchFigures, filterQuery, matchingCellKeys, parseMatrixFilter } from './filter';
import type { IssueFact } from './types';
import { loadPlanFile } from '../plan/load';
import { PHASE_3_PLAN } from '@/test/stores';

const { plan } = loadPlanFile(PHASE_3_PLAN);
const closed = (cellKey: string, assignee: string): IssueFact => ({
  id: cellKey,
  repo: 'o/r',
  number: 1,
  title: cellKey,
  state: 'closed',
  assignees: [assignee],
  htmlUrl: 'u',
  estimateText: null,
  estimateMinutes: null,
  linkedPullRequests: [],
  cellKey,
  openedAt: '2026-11-01T00:00:00Z',
  closedAt: '2026-11-02T00:00:00Z',
});
const view = buildMatrix({
  plan,
  services: plan.services,
  capabilities: plan.capabilities,
  cells: plan.cells,
  checks: [],
  issues: [closed('traction/faro-code', 'ana'), closed('acapy-agent/profiling-helm', 'bo')],
});

describe('matrix filter', () => {
  it('keeps exactly the cells in the requested state', () => {
    const filter = parseMatrixFilter(new URLSearchParams('state=closed-unverified'));
    expect(filter.success).toBe(true);
    expect([...matchingCellKeys(view, filter.data!)].sort()).toEqual([
      'acapy-agent/profiling-helm',
      'traction/faro-code',
    ]);
  });

  it('combines service, runtime, capability and assignee', () => {
    const parse = (q: string) => matchingCellKeys(view, parseMatrixFilter(new URLSearchParams(q)).data!);
    expect(parse('runtime=nodejs&capability=faro-code').size).toBe(1);
    expect(parse('service=acapy-agent,traction&capability=profiling-code').size).toBe(2);
    expect([...parse('assignee=ana')]).toEqual(['traction/faro-code']);
    expect(parse('').size).toBe(27);
  });

  it('filters by the furthest evidence link a cell has proven', () => {
    const parse = (q: string) => matchingCellKeys(view, parseMatrixFilter(new URLSearchParams(q)).data!);
    // Two closed issues and no checks: their chains reach "issue closed", every other cell proves nothing yet.
    expect([...parse('evidence=issue-closed')].sort()).toEqual(['acapy-agent/profiling-helm', 'traction/faro-code']);
    expect(parse('evidence=none').size).toBe(25);
    expect(parseMatrixFilter({ evidence: 'shipped' }).success).toBe(false);
  });

  it('rejects an unknown state with the allowed values, and round-trips through the URL', () => {
    const bad = parseMatrixFilter({ state: 'done' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toContain('closed-unverified');
    const filter = parseMatrixFilter({ state: ['regressed', 'verified'], service: 'traction' }).data!;
    expect(filterQuery(filter)).toBe('?service=traction&state=regressed&state=verified');
  });

  it('counts what a filter leaves shown: cells, their estimates, how many are verified', () => {
    const keys = (q: string) => matchingCellKeys(view, parseMatrixFilter(new URLSearchParams(q)).data!);
    const traction = filterMatchFigures(view, keys('service=traction'));
    const cells = view.rows.find((r) => r.service.slug === 'traction')!.cells.filter((c) => c !== null);
    expect(traction.cells).toBe(cells.length);
    expect(traction.estimateMinutes).toBe(cells.reduce((sum, c) => sum + c!.estimateMinutes, 0));
    expect(traction.verified).toBe(0);
    // The whole plan, the gate included, is what the KPI cards count.
    const all = filterMatchFigures(view, keys(''));
    expect(all.cells).toBe(27);
    expect(all.estimateMinutes).toBe(view.totals.planCellsMinutes);
    expect(filterMatchFigures(view, new Set()).estimateMinutes).toBe(0);
  });
});
