import { describe, expect, it } from 'vitest';
import { deriveCellState } from './cell-state';
import type { CheckFact, IssueFact } from './types';

const issue = (overrides: Partial<IssueFact> = {}): IssueFact => ({
  id: 'bcgov/traction#12',
  repo: 'bcgov/traction',
  number: 12,
  title: 't',
  state: 'open',
  assignees: [],
  htmlUrl: 'https://github.com/bcgov/traction/issues/12',
  estimateText: '~1h',
  estimateMinutes: 60,
  linkedPullRequests: [],
  cellKey: 'traction/profiling-code',
  openedAt: '2026-11-01T00:00:00.000Z',
  closedAt: null,
  ...overrides,
});
const check = (status: CheckFact['status'], checkedAt: string, name = 'pyroscope'): CheckFact => ({
  cellKey: 'traction/profiling-code',
  check: name,
  target: 'traction-tenant-ui',
  status,
  message: status === 'pass' ? null : `${name} said ${status}`,
  durationMs: 10,
  checkedAt,
});
const closed = issue({ state: 'closed', closedAt: '2026-11-10T00:00:00.000Z' });

describe('deriveCellState', () => {
  it('is planned without an issue, and while an open issue has nobody on it', () => {
    expect(deriveCellState(null, []).state).toBe('planned');
    expect(deriveCellState(issue(), []).state).toBe('planned');
  });

  it('is in progress once someone is assigned or a pull request is linked', () => {
    expect(deriveCellState(issue({ assignees: ['ivan'] }), []).state).toBe('in-progress');
    expect(deriveCellState(issue({ linkedPullRequests: [{ number: 3, url: 'u' }] }), []).state).toBe('in-progress');
  });

  it('is closed-but-unverified when closed without passing evidence, and says why', () => {
    expect(deriveCellState(closed, []).state).toBe('closed-unverified');
    const failing = deriveCellState(closed, [check('fail', '2026-11-11T00:00:00.000Z')]);
    expect(failing.state).toBe('closed-unverified');
    expect(failing.reason).toContain('pyroscope said fail');
  });

  it('is verified when closed and every check’s newest result passes', () => {
    const state = deriveCellState(closed, [
      check('fail', '2026-11-11T00:00:00.000Z'),
      check('pass', '2026-11-12T00:00:00.000Z'),
      check('pass', '2026-11-12T00:00:01.000Z', 'tempo'),
    ]);
    expect(state.state).toBe('verified');
    expect(state.lastVerifiedAt).toBe('2026-11-12T00:00:01.000Z');
  });

  it('has regressed when evidence passed before and fails now', () => {
    const state = deriveCellState(closed, [
      check('pass', '2026-11-11T00:00:00.000Z'),
      check('error', '2026-11-12T00:00:00.000Z'),
    ]);
    expect(state.state).toBe('regressed');
    expect(state.lastVerifiedAt).toBe('2026-11-11T00:00:00.000Z');
  });

  it('does not count a not-configured upstream as evidence either way', () => {
    expect(deriveCellState(closed, [check('not-configured', '2026-11-12T00:00:00.000Z')]).state).toBe(
      'closed-unverified',
    );
    expect(
      deriveCellState(closed, [
        check('pass', '2026-11-11T00:00:00.000Z'),
        check('not-configured', '2026-11-12T00:00:00.000Z'),
      ]).state,
    ).toBe('verified');
  });

  it('has not regressed when one check passed but another never did: it was never verified', () => {
    const state = deriveCellState(closed, [
      check('pass', '2026-11-11T00:00:00.000Z', 'loki'),
      check('fail', '2026-11-11T00:00:01.000Z', 'tempo'),
    ]);
    expect(state.state).toBe('closed-unverified');
    expect(state.lastVerifiedAt).toBeNull();
    expect(state.reason).toContain('tempo said fail');
  });

  it('is ready to close when every check passes and the work runs, but the issue is still open', () => {
    const open = issue({ assignees: ['ivan'] });
    const ready = deriveCellState(open, [check('pass', '2026-11-12T00:00:00.000Z')]);
    expect(ready.state).toBe('ready-to-close');
    expect(ready.reason).toContain('ready to close');
    // One failing check, or only the repository check passing, is ordinary work in progress.
    expect(
      deriveCellState(open, [
        check('pass', '2026-11-12T00:00:00.000Z'),
        check('fail', '2026-11-12T00:00:01.000Z', 'tempo'),
      ]).state,
    ).toBe('in-progress');
    expect(deriveCellState(open, [check('pass', '2026-11-12T00:00:00.000Z', 'merged')]).state).toBe('in-progress');
    // Closing it makes it verified.
    expect(deriveCellState(closed, [check('pass', '2026-11-12T00:00:00.000Z')]).state).toBe('verified');
  });

  it('quotes a check message inside its own sentence without a double period', () => {
    const failing = deriveCellState(closed, [
      { ...check('fail', '2026-11-11T00:00:00.000Z'), message: 'propagate traceparent to it.' },
    ]);
    expect(failing.reason).toBe('Issue #12 is closed, but pyroscope: propagate traceparent to it.');
  });
});
