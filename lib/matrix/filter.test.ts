import { describe, expect, it } from 'vitest';
import { buildMatrix } from './build';
import {
  EMPTY_FILTER,
  filterMatchFigures,
  filterOptions,
  boardHref,
  filterQuery,
  isFilterActive,
  matchingCellKeys,
  parseMatrixFilter,
} from './filter';
import { CELL_STATES, type CheckFact, type IssueFact } from './types';
import { loadPlanFile } from '../plan/load';
import { PHASE_3_PLAN } from '@/test/stores';

const { plan } = loadPlanFile(PHASE_3_PLAN);
const closed = (cellKey: string, ...assignees: string[]): IssueFact => ({
  id: cellKey,
  repo: 'o/r',
  number: 1,
  title: cellKey,
  state: 'closed',
  assignees,
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

describe('matrix filter, around the edges a user meets', () => {
  const pass = (cellKey: string, check: string): CheckFact => ({
    cellKey,
    check,
    target: 't',
    status: 'pass',
    message: null,
    durationMs: 1,
    checkedAt: '2026-11-20T00:00:00Z',
  });
  // acapy-agent's code cell is verified (all three criteria pass); three issues, four people, one of them twice.
  const verifiedView = buildMatrix({
    plan,
    services: plan.services,
    capabilities: plan.capabilities,
    cells: plan.cells,
    checks: ['pyroscope', 'flame-graph', 'latency'].map((check) => pass('acapy-agent/profiling-code', check)),
    issues: [
      closed('acapy-agent/profiling-code', 'zoe', 'ana'),
      closed('traction/faro-code', 'ana'),
      { ...closed('credo-ts/faro-code', 'cy', 'bo'), state: 'open', closedAt: null },
    ],
  });
  const keys = (q: string) => [...matchingCellKeys(verifiedView, parseMatrixFilter(new URLSearchParams(q)).data!)];

  it('reads lists written with spaces after commas, and ignores empty values a form submits', () => {
    const filter = parseMatrixFilter(new URLSearchParams('state=verified, regressed&service=&service=traction,,'));
    expect(filter.success).toBe(true);
    expect(filter.data).toMatchObject({ state: ['verified', 'regressed'], service: ['traction'], runtime: [] });
    expect(parseMatrixFilter(new URLSearchParams('state=&assignee= ')).data).toEqual(EMPTY_FILTER);
  });

  it('is active as soon as any one list has a value, and only then offers "Clear filter"', () => {
    expect(isFilterActive(EMPTY_FILTER)).toBe(false);
    expect(isFilterActive(parseMatrixFilter(new URLSearchParams('state=&service=')).data!)).toBe(false);
    for (const key of Object.keys(EMPTY_FILTER)) {
      const value = key === 'state' ? 'verified' : key === 'evidence' ? 'none' : 'x';
      expect(isFilterActive(parseMatrixFilter({ [key]: value }).data!), key).toBe(true);
    }
  });

  it('finds the gate under the "(gate)" service the export names it by, and never by a runtime', () => {
    expect(keys('service=(gate)')).toEqual(['gate/infrastructure']);
    expect(keys('service=(gate),credo-ts&capability=infrastructure,faro-code')).toEqual([
      'gate/infrastructure',
      'credo-ts/faro-code',
    ]);
    expect(keys('runtime=python,nodejs,typescript,nuxt')).not.toContain('gate/infrastructure');
    expect(keys('runtime=python,nodejs,typescript,nuxt')).toHaveLength(26);
    expect(keys('capability=infrastructure')).toEqual(['gate/infrastructure']);
  });

  it('matches any of the listed assignees, and never a cell without an issue', () => {
    expect(keys('assignee=ana')).toEqual(['acapy-agent/profiling-code', 'traction/faro-code']);
    expect(keys('assignee=bo,zoe')).toEqual(['acapy-agent/profiling-code', 'credo-ts/faro-code']);
    expect(keys('assignee=nobody')).toEqual([]);
  });

  it('counts the verified cells among those shown, and the gate only when it matches', () => {
    const figures = (q: string) => filterMatchFigures(verifiedView, new Set(keys(q)));
    expect(figures('')).toMatchObject({ cells: 27, verified: 1 });
    expect(figures('state=verified')).toEqual({ cells: 1, estimateMinutes: 60, verified: 1 });
    expect(figures('service=acapy-agent')).toEqual({ cells: 2, estimateMinutes: 75, verified: 1 });
    expect(figures('service=(gate)')).toEqual({ cells: 1, estimateMinutes: 240, verified: 0 });
    const noGate = { ...verifiedView, gate: null };
    expect(filterMatchFigures(noGate, new Set(['gate/infrastructure', 'traction/faro-code']))).toMatchObject({
      cells: 1,
      verified: 0,
    });
  });

  it('offers every service, capability, runtime, state, assignee and evidence link the board has, once each', () => {
    const options = filterOptions(verifiedView);
    expect(options.services[0]).toEqual({ value: 'acapy-agent', label: 'acapy-agent' });
    expect(options.services.map((s) => s.value)).toEqual(plan.services.map((s) => s.slug));
    expect(options.capabilities).toEqual([
      { value: 'profiling-code', label: 'Pyroscope · code' },
      { value: 'profiling-helm', label: 'Pyroscope · Helm' },
      { value: 'faro-code', label: 'Faro · code' },
      { value: 'faro-helm', label: 'Faro · Helm' },
    ]);
    expect(options.runtimes).toEqual(['nodejs', 'nuxt', 'python', 'typescript']);
    expect(options.states).toEqual([...CELL_STATES]);
    expect(options.assignees).toEqual(['ana', 'bo', 'cy', 'zoe']);
    expect(options.evidence).toEqual(['issue-closed', 'merged', 'deployed', 'data-flowing', 'none']);
    expect(filterOptions(view).assignees).toEqual(['ana', 'bo']);
  });

  it('writes no query string at all for an empty filter, so links stay clean', () => {
    expect(filterQuery(EMPTY_FILTER)).toBe('');
    expect(boardHref(EMPTY_FILTER, [])).toBe('/');
    expect(boardHref(EMPTY_FILTER, ['attention', 'verified'])).toBe('/?expand=attention,verified');
    expect(boardHref({ ...EMPTY_FILTER, state: ['regressed'] }, ['attention'])).toBe(
      '/?state=regressed&expand=attention',
    );
    expect(boardHref({ ...EMPTY_FILTER, state: ['regressed'] }, [])).toBe('/?state=regressed');
    expect(filterQuery({ ...EMPTY_FILTER, evidence: ['none'] })).toBe('?evidence=none');
  });
});
