import { describe, expect, it } from 'vitest';
import type { CompactCell, CompactRow } from './compact';
import { packRow, packRowCell, unpackRowCell } from './row-wire';

const cell = (over: Partial<CompactCell> = {}): CompactCell => ({
  key: 'traction/faro-code',
  title: 'traction — Grafana Faro RUM (Code)',
  state: 'ready-to-close',
  estimateText: '~3h',
  criteria: 3,
  criteriaHeld: 2,
  liveStatus: 'fail',
  latestChecks: [{ check: 'loki', status: 'fail', checkedAt: '2026-11-30T10:00:00.000Z' }],
  history: 'ppf',
  chain: 'pphf',
  chainSummary: 'deployed, partly',
  issue: { number: 42, state: 'open', url: 'https://github.com/o/r/issues/42', assignees: ['dev'], pullRequests: 1 },
  issueEstimate: '~5h',
  ...over,
});

const row = (cells: Array<CompactCell | null>): CompactRow => ({
  slug: 'traction',
  name: 'Traction',
  runtimes: ['nodejs', 'python'],
  cells,
  estimateMinutes: 480,
  verifiedMinutes: 60,
});

describe('row islands’ packed cells', () => {
  it('give back every field a plan-sized board shows, the key from the row’s and the column’s slugs', () => {
    const full = cell();
    expect(unpackRowCell('traction', 'faro-code', packRowCell(full))).toEqual(full);
    // A cell with no issue and no check keeps its nulls and empty lists.
    const bare = cell({ issue: null, issueEstimate: null, liveStatus: null, latestChecks: [], history: '' });
    expect(unpackRowCell('traction', 'faro-code', packRowCell(bare))).toEqual(bare);
  });

  it('carry no field names and no key on the wire', () => {
    const wire = JSON.stringify(packRowCell(cell()).slice(0, 8));
    expect(wire).toBe('["ready-to-close","~3h",3,2,"fail","ppf","pphf","deployed, partly"]');
  });

  it('leave the issue, title and per-check results to the on-demand detail on a grouped fleet board', () => {
    const packed = packRow(row([cell(), null]), true);
    expect(packed.cells[1]).toBeNull();
    const brief = unpackRowCell('traction', 'faro-code', packed.cells[0]!);
    expect(brief).toEqual({
      key: 'traction/faro-code',
      state: 'ready-to-close',
      estimateText: '~3h',
      criteria: 3,
      criteriaHeld: 2,
      liveStatus: 'fail',
      history: 'ppf',
      chain: 'pphf',
      chainSummary: 'deployed, partly',
    });
    expect(brief).not.toHaveProperty('issue');
    expect(brief).not.toHaveProperty('latestChecks');
  });

  it('keep the row’s own figures, and a plan-sized board’s cells whole', () => {
    const packed = packRow(row([null, cell()]), false);
    expect(packed).toMatchObject({
      slug: 'traction',
      name: 'Traction',
      runtimes: ['nodejs', 'python'],
      estimateMinutes: 480,
    });
    expect(packed).not.toHaveProperty('verifiedMinutes');
    expect(unpackRowCell('traction', 'faro-code', packed.cells[1]!)).toEqual(cell());
  });
});
