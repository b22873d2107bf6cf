import { describe, expect, it } from 'vitest';
import { deployedReport } from '@/test/deployed-evidence';
import { PHASE_3_PLAN } from '@/test/stores';
import { loadPlanFile } from '../plan/load';
import { buildMatrix } from './build';
import { checkFactOf } from './check-fact';
import {
  type CompactRow,
  compactCellHref,
  compactMatrix,
  expandedGroups,
  findMatrixCell,
  GROUP_PAGE_ROWS,
  groupRows,
  newestCheckAt,
  rowGroupOf,
  shownRows,
  withGroupExpanded,
} from './compact';
import type { CellState, CheckPoint, IssueFact, MatrixInput } from './types';

const row = (slug: string, states: Array<CellState | null>): CompactRow => ({
  slug,
  name: slug,
  runtimes: ['nodejs'],
  cells: states.map((state, i) =>
    state
      ? {
          key: `${slug}/c${i}`,
          title: `${slug} c${i}`,
          state,
          estimateText: '~1h',
          criteria: 2,
          criteriaHeld: 1,
          liveStatus: null,
          latestChecks: [],
          history: '',
          chain: 'nnnn',
          chainSummary: 'nothing proven yet',
          issue: null,
          issueEstimate: null,
        }
      : null,
  ),
  estimateMinutes: 60,
  verifiedMinutes: 0,
});

describe('grouping a fleet', () => {
  it('puts a row with any closed-unverified or regressed cell under "needs attention", whatever else it has', () => {
    expect(rowGroupOf(row('a', ['verified', 'regressed', null]))).toBe('attention');
    expect(rowGroupOf(row('b', ['planned', 'closed-unverified']))).toBe('attention');
    expect(rowGroupOf(row('g', ['verified', 'ready-to-close']))).toBe('attention');
    expect(rowGroupOf(row('c', ['verified', 'verified', null]))).toBe('verified');
    expect(rowGroupOf(row('d', ['planned', 'planned']))).toBe('planned');
    expect(rowGroupOf(row('e', ['planned', 'verified']))).toBe('in-progress');
    expect(rowGroupOf(row('f', ['in-progress', null]))).toBe('in-progress');
    // A service none of whose capabilities apply has done nothing: not started, never "verified".
    expect(rowGroupOf(row('h', [null, null]))).toBe('planned');
  });

  it('orders groups attention first, keeps plan order inside a group and leaves empty groups out', () => {
    const groups = groupRows([
      row('s1', ['verified']),
      row('s2', ['regressed']),
      row('s3', ['planned']),
      row('s4', ['closed-unverified']),
    ]);
    expect(groups.map((g) => [g.id, g.rows.map((r) => r.slug)])).toEqual([
      ['attention', ['s2', 's4']],
      ['planned', ['s3']],
      ['verified', ['s1']],
    ]);
  });

  it('lists the services needing attention most urgent first: regressed, then closed unverified, then ready to close', () => {
    const groups = groupRows([
      row('ready', ['ready-to-close', 'verified']),
      row('unproven', ['closed-unverified', 'ready-to-close']),
      row('broke', ['verified', 'regressed']),
      row('ready-twice', ['ready-to-close', 'ready-to-close']),
      row('broke-too', ['regressed', 'planned']),
      row('done', ['verified', 'verified']),
      row('unproven-twice', ['closed-unverified', 'closed-unverified']),
    ]);
    // The worst state first; among equals, more cells in that state first; then plan order.
    expect(groups[0].rows.map((r) => r.slug)).toEqual([
      'broke',
      'broke-too',
      'unproven-twice',
      'unproven',
      'ready-twice',
      'ready',
    ]);
    // Other groups keep plan order.
    expect(groupRows([row('b', ['verified']), row('a', ['verified', 'verified'])])[0].rows.map((r) => r.slug)).toEqual([
      'b',
      'a',
    ]);
  });

  it('shows the first 20 services of a group until it is expanded, then every one of them in plan order', () => {
    expect(GROUP_PAGE_ROWS).toBe(20);
    const [attention] = groupRows(Array.from({ length: 41 }, (_, i) => row(`s${i}`, ['regressed'])));
    const first = shownRows(attention, new Set());
    expect(first.map((r) => r.slug)).toEqual(attention.rows.slice(0, 20).map((r) => r.slug));
    expect(first.at(-1)?.slug).toBe('s19');
    expect(shownRows(attention, new Set(['verified'])).length).toBe(20);
    expect(shownRows(attention, new Set(['attention'])).map((r) => r.slug)).toEqual(
      Array.from({ length: 41 }, (_, i) => `s${i}`),
    );
    const [small] = groupRows([row('a', ['planned'])]);
    expect(shownRows(small, new Set()).map((r) => r.slug)).toEqual(['a']);
  });

  it('reads ?expand= repeated or comma separated, in the board’s group order, leaving out what is no group', () => {
    expect([...expandedGroups(undefined)]).toEqual([]);
    expect([...expandedGroups('verified,attention')]).toEqual(['attention', 'verified']);
    expect([...expandedGroups(['planned', ' in-progress ,nonsense', ''])]).toEqual(['in-progress', 'planned']);
    expect([...expandedGroups('everything')]).toEqual([]);
  });

  it('expands or collapses one group and keeps the others as they are', () => {
    const two = withGroupExpanded(new Set(['verified']), 'attention', true);
    expect([...two]).toEqual(['attention', 'verified']);
    expect([...withGroupExpanded(two, 'verified', false)]).toEqual(['attention']);
    expect([...withGroupExpanded(two, 'attention', true)]).toEqual(['attention', 'verified']);
  });

  it('links a compact cell where the full view does: its service page section, the gate on the board', () => {
    expect(compactCellHref('acapy-agent/profiling-code')).toBe('/services/acapy-agent#profiling-code');
    expect(compactCellHref('gate/infrastructure')).toBe('/#gate');
  });
});

describe('the newest check a view holds', () => {
  it('is the latest checkedAt over every cell and the gate, and empty before any check', () => {
    const a = row('a', ['verified', null]);
    const b = row('b', ['planned']);
    expect(newestCheckAt({ rows: [a, b], gate: null })).toBe('');
    a.cells[0]!.latestChecks = [
      { check: 'loki', status: 'pass', checkedAt: '2026-11-30T10:00:00.000Z' },
      { check: 'tempo', status: 'fail', checkedAt: '2026-11-30T10:00:02.500Z' },
    ];
    b.cells[0]!.latestChecks = [{ check: 'pyroscope', status: 'error', checkedAt: '2026-11-30T10:00:01.000Z' }];
    expect(newestCheckAt({ rows: [a, b], gate: null })).toBe('2026-11-30T10:00:02.500Z');
    const gate = { ...b.cells[0]!, key: 'gate/infrastructure' };
    gate.latestChecks = [{ check: 'gate', status: 'pass', checkedAt: '2026-11-30T10:00:03.000Z' }];
    expect(newestCheckAt({ rows: [a, b], gate })).toBe('2026-11-30T10:00:03.000Z');
  });
});

describe('the compact matrix the board receives', () => {
  const { plan } = loadPlanFile(PHASE_3_PLAN);
  const T1 = '2026-11-11T00:00:00.000Z';
  const T2 = '2026-11-12T00:00:00.000Z';
  const check = (cellKey: string, name: string, status: string, checkedAt: string, evidence: object = {}) =>
    checkFactOf({
      cellKey,
      check: name,
      target: 't',
      status,
      message: `${name} ${status}`,
      durationMs: 5,
      checkedAt: new Date(checkedAt),
      evidence: JSON.stringify(evidence),
    });
  const issue = (cellKey: string, overrides: Partial<IssueFact>): IssueFact => ({
    id: `o/r#${cellKey}`,
    repo: 'bcgov/traction',
    number: 12,
    title: 't',
    state: 'open',
    assignees: [],
    htmlUrl: 'https://github.com/bcgov/traction/issues/12',
    estimateText: null,
    estimateMinutes: null,
    linkedPullRequests: [],
    cellKey,
    openedAt: '2026-11-01T00:00:00.000Z',
    closedAt: null,
    ...overrides,
  });
  const statuses: CheckPoint['status'][] = ['pass', 'fail', 'error', 'not-configured', 'insufficient-data'];
  // Fourteen results, oldest first: p f e n i p f e n i p f e n.
  const history = statuses.concat(statuses, statuses).slice(0, 14);
  const input: MatrixInput = {
    plan,
    services: plan.services,
    capabilities: plan.capabilities,
    cells: plan.cells,
    issues: [
      // Closed with its own estimate and two pull requests, deployed on the 11th and failing since the 12th.
      issue('traction/profiling-helm', {
        state: 'closed',
        closedAt: '2026-11-10T00:00:00.000Z',
        assignees: ['ana', 'bo'],
        estimateText: '~2h',
        estimateMinutes: 120,
        linkedPullRequests: [
          { number: 31, url: 'u31', merged: true },
          { number: 32, url: 'u32', merged: false },
        ],
      }),
      // Open, estimated as the plan does.
      issue('acapy-agent/profiling-helm', { number: 7, estimateText: '~15min', estimateMinutes: 15 }),
    ],
    checks: [
      check('traction/profiling-helm', 'merged', 'pass', T1),
      check('traction/profiling-helm', 'deployed', 'pass', T1),
      check('traction/profiling-helm', 'deployed', 'fail', T2),
      check('acapy-agent/profiling-helm', 'deployed', 'pass', T2, {
        ...deployedReport([true], [T1]),
        partial: true,
        unconfirmed: ['acapy: PYROSCOPE_SERVER_ADDRESS'],
      }),
      check('acapy-agent/profiling-code', 'pyroscope', 'pass', T1),
      check('acapy-agent/profiling-code', 'flame-graph', 'insufficient-data', T1),
      check('acapy-agent/profiling-code', 'latency', 'not-configured', T1),
      check('traction/profiling-code', 'pyroscope', 'pass', T1),
      check('traction/profiling-code', 'latency', 'not-configured', T1),
      check('gate/infrastructure', 'gate', 'error', T2),
    ],
    history: {
      'traction/profiling-helm': history.map((status, i) => ({
        check: 'deployed',
        status,
        checkedAt: `2026-11-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`,
      })),
    },
  };
  const view = buildMatrix(input);
  // Projected inside each test (not once here), so the projection is what the tests exercise.
  const cellOf = (key: string) => {
    const compact = compactMatrix(view, 42);
    return key === compact.gate?.key ? compact.gate : compact.rows.flatMap((r) => r.cells).find((c) => c?.key === key);
  };

  it('projects a cell: state, criteria counts, newest checks, the last twelve results and the chain in letters', () => {
    expect(cellOf('traction/profiling-helm')).toEqual({
      key: 'traction/profiling-helm',
      title: 'traction — Pyroscope Helm Chart Updates',
      state: 'regressed',
      estimateText: '~15min',
      criteria: 1,
      criteriaHeld: 0,
      liveStatus: 'fail',
      latestChecks: [
        { check: 'deployed', status: 'fail', checkedAt: T2 },
        { check: 'merged', status: 'pass', checkedAt: T1 },
      ],
      history: 'enipfenipfen',
      chain: 'pprn',
      chainSummary: 'merged, not deployed',
      issue: {
        number: 12,
        state: 'closed',
        url: 'https://github.com/bcgov/traction/issues/12',
        assignees: ['ana', 'bo'],
        pullRequests: 2,
      },
      issueEstimate: '~2h',
    });
  });

  it('marks a deployed check that passed without confirming everything as partial, and its link with "h"', () => {
    expect(cellOf('acapy-agent/profiling-helm')).toMatchObject({
      latestChecks: [{ check: 'deployed', status: 'pass', checkedAt: T2, partial: true }],
      // The open issue fails the first link; nothing merged is known; deployed partly; no data checked.
      chain: 'fnhn',
      history: '',
      issue: { number: 7, state: 'open', pullRequests: 0 },
      // The issue agrees with the plan: no second estimate to show.
      issueEstimate: null,
    });
    expect(cellOf('traction/profiling-helm')!.latestChecks.some((c) => 'partial' in c)).toBe(false);
  });

  it('shows the worst newest result as the live status: error, fail, too little data, pass, not configured', () => {
    expect(cellOf('gate/infrastructure')!.liveStatus).toBe('error');
    expect(cellOf('acapy-agent/profiling-code')!.liveStatus).toBe('insufficient-data');
    expect(cellOf('traction/profiling-code')!.liveStatus).toBe('pass');
    expect(cellOf('credo-ts/faro-code')).toMatchObject({ liveStatus: null, issue: null, issueEstimate: null });
  });

  it('keeps the rows, columns, figures and revision of the view, with n/a cells as null', () => {
    const compact = compactMatrix(view, 42);
    expect(compact.revision).toBe(42);
    expect(compact.plan).toBe(view.plan);
    expect(compact.totals).toBe(view.totals);
    expect(compact.progress).toBe(view.progress);
    expect(compact.unmapped).toBe(view.unmapped);
    expect(compact.columns[0]).toEqual({
      slug: 'profiling-code',
      name: 'Pyroscope · code',
      estimateMinutes: view.columns[0].estimateMinutes,
      cellCount: view.columns[0].cellCount,
    });
    expect(compact.columns.map((c) => c.slug)).toEqual(view.columns.map((c) => c.slug));
    const traction = compact.rows.find((r) => r.slug === 'traction')!;
    const tractionView = view.rows.find((r) => r.service.slug === 'traction')!;
    expect(traction).toMatchObject({
      name: 'traction',
      runtimes: ['nodejs', 'python'],
      estimateMinutes: tractionView.estimateMinutes,
      verifiedMinutes: tractionView.verifiedMinutes,
    });
    expect(traction.cells.map((c) => c?.key ?? null)).toEqual(tractionView.cells.map((c) => c?.key ?? null));
    const acapy = compact.rows.find((r) => r.slug === 'acapy-agent')!;
    expect(acapy.cells.map((c) => c?.key ?? null)).toEqual([
      'acapy-agent/profiling-code',
      'acapy-agent/profiling-helm',
      null,
      null,
    ]);
    expect(compactMatrix({ ...view, gate: null }, 1).gate).toBeNull();
  });

  it('finds a cell of the full view by key for its on-demand detail, the gate included', () => {
    expect(findMatrixCell(view, 'gate/infrastructure')).toBe(view.gate);
    expect(findMatrixCell(view, 'traction/profiling-helm')?.stateReason).toBe(
      view.rows.find((r) => r.service.slug === 'traction')!.cells[1]!.stateReason,
    );
    expect(findMatrixCell(view, 'traction/profiling-helm')?.key).toBe('traction/profiling-helm');
    expect(findMatrixCell(view, 'acapy-agent/faro-code')).toBeNull();
    expect(findMatrixCell({ ...view, gate: null }, 'gate/infrastructure')).toBeNull();
  });

  it('takes the newest check of the whole compact view', () => {
    expect(newestCheckAt(compactMatrix(view, 42))).toBe(T2);
  });
});
