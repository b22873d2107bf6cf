import { describe, expect, it } from 'vitest';
import { type CompactRow, compactCellHref, groupRows, newestCheckAt, rowGroupOf } from './compact';
import type { CellState } from './types';

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
