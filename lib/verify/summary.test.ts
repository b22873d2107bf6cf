import { describe, expect, it } from 'vitest';
import type { CheckFact, MatrixCell, MatrixView } from '../matrix/types';
import { scopedCells, describeRun, summarizeRun } from './summary';

const check = (status: CheckFact['status'], checkedAt: string, name = 'pyroscope'): CheckFact => ({
  cellKey: 'x',
  check: name,
  target: 't',
  status,
  message: null,
  durationMs: 1,
  checkedAt,
});
const cell = (key: string, latestChecks: CheckFact[]): MatrixCell =>
  ({ key, serviceSlug: key.startsWith('gate') ? null : key.split('/')[0], latestChecks }) as MatrixCell;

const OLD = '2026-11-30T08:00:00.000Z';
const NEW = '2026-11-30T09:00:00.000Z';

describe('Verify now summary', () => {
  const before = [
    cell('gate/infrastructure', [check('pass', OLD, 'gate')]),
    cell('a/profiling-code', [check('pass', OLD)]),
    cell('a/faro-code', [check('pass', OLD, 'loki')]),
    cell('b/profiling-code', []),
  ];
  const view = { gate: before[0], rows: [{ cells: [before[1], before[2], null] }, { cells: [before[3]] }] } as Pick<
    MatrixView,
    'rows' | 'gate'
  >;

  it('covers every cell for "all", a service’s cells for a service, one cell for a cell', () => {
    expect(scopedCells(view, { kind: 'all' }).map((c) => c.key)).toHaveLength(4);
    expect(scopedCells(view, { kind: 'service', slug: 'a' }).map((c) => c.key)).toEqual([
      'a/profiling-code',
      'a/faro-code',
    ]);
    expect(scopedCells(view, { kind: 'cell', key: 'b/profiling-code' })).toHaveLength(1);
  });

  it('counts each cell once by its worst new result, and says which got none', () => {
    const startedAt = '2026-11-30T08:59:58.000Z';
    const after = [
      cell('gate/infrastructure', [check('pass', NEW, 'gate')]),
      // Loki passes, Tempo errors: the cell counts as an error, once.
      cell('a/profiling-code', [check('error', NEW, 'tempo'), check('pass', NEW, 'loki')]),
      // Nothing since the run began: not counted as checked.
      cell('a/faro-code', [check('pass', OLD, 'loki')]),
      cell('b/profiling-code', [check('fail', NEW)]),
    ];
    const summary = summarizeRun(after, startedAt);
    expect(summary).toEqual({
      checked: 3,
      byStatus: { pass: 1, fail: 1, error: 1, 'not-configured': 0, 'insufficient-data': 0 },
      unchecked: 1,
    });
    expect(describeRun(summary)).toBe('3 checked: 1 pass, 1 fail, 1 error (1 without a new result)');
  });

  it('counts only this run’s results, not another run’s from the seconds before the click', () => {
    // The page last read the matrix at 08:59:30. Another run stored an error at 08:59:50, which the page
    // never saw; this run began at 09:00:00 and stored a pass for the same cell's other check.
    const startedAt = '2026-11-30T09:00:00.000Z';
    const after = [
      cell('a/profiling-code', [
        check('pass', '2026-11-30T09:00:03.000Z', 'pyroscope'),
        check('error', '2026-11-30T08:59:50.000Z', 'loki'),
      ]),
    ];
    expect(describeRun(summarizeRun(after, startedAt))).toBe('1 checked: 1 pass, 0 fail, 0 error');
    // The run's own result at the very instant it began counts (the server stamps both on one clock).
    expect(summarizeRun([cell('a/faro-code', [check('fail', startedAt)])], startedAt).byStatus.fail).toBe(1);
  });
});
