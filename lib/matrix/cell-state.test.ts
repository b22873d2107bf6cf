import { describe, expect, it } from 'vitest';
import { deriveCellState, latestPerCheck, type CellProofSpec } from './cell-state';
import type { CheckFact, IssueFact, SignOffFact } from './types';

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
const T = (day: number, second = 0) => `2026-11-${String(day).padStart(2, '0')}T00:00:0${second}.000Z`;

/** traction's Faro code cell: three criteria, three proofs. */
const faroCode: CellProofSpec = {
  part: 'code',
  criteria: [
    {
      text: 'Browser errors and Web Vitals appear in Loki',
      proof: { kind: 'browser-telemetry', require: 'errors-and-web-vitals', structured: true, surfaces: [] },
    },
    {
      text: 'Browser traces appear in Tempo linked to backend spans',
      proof: { kind: 'traces', linkedToBackend: true },
    },
    { text: 'Proxy route forwards without CORS errors', proof: { kind: 'faro-route' } },
  ],
};
const profiles: CellProofSpec = {
  part: 'code',
  criteria: [{ text: 'Profiling data for traction visible in Pyroscope', proof: { kind: 'profiles' } }],
};
const gate: CellProofSpec = {
  part: 'code',
  criteria: [
    { text: 'Pyroscope /ready endpoint returns healthy', proof: { kind: 'gate-pyroscope-ready' } },
    { text: 'Any network policy or RBAC issues identified and resolved', proof: { kind: 'sign-off' } },
  ],
};
const signOff = (overrides: Partial<SignOffFact> = {}): SignOffFact => ({
  id: 's1',
  cellKey: 'gate/infrastructure',
  criterion: 1,
  criterionText: 'Any network policy or RBAC issues identified and resolved',
  by: 'ivan@example.org',
  note: 'NetworkPolicy allows 4040 from the namespace',
  signedAt: T(12),
  expiresAt: null,
  revokedAt: null,
  revokedBy: null,
  ...overrides,
});
const NOW = T(20);

describe('deriveCellState', () => {
  it('is planned without an issue, and while an open issue has nobody on it', () => {
    expect(deriveCellState(null, [], profiles).state).toBe('planned');
    expect(deriveCellState(issue(), [], profiles).state).toBe('planned');
  });

  it('is in progress once someone is assigned or a pull request is linked', () => {
    expect(deriveCellState(issue({ assignees: ['ivan'] }), [], profiles).state).toBe('in-progress');
    expect(deriveCellState(issue({ linkedPullRequests: [{ number: 3, url: 'u' }] }), [], profiles).state).toBe(
      'in-progress',
    );
  });

  it('is closed-but-unverified when closed without passing proofs, and says which criterion and why', () => {
    expect(deriveCellState(closed, [], profiles).state).toBe('closed-unverified');
    const failing = deriveCellState(closed, [check('fail', T(11))], profiles);
    expect(failing.state).toBe('closed-unverified');
    expect(failing.reason).toContain('0 of 1 criteria hold');
    expect(failing.reason).toContain('pyroscope said fail');
  });

  it('is verified only when every criterion’s newest proof passes: one passing proof is not enough', () => {
    const onlyLoki = deriveCellState(closed, [check('pass', T(12), 'loki')], faroCode);
    expect(onlyLoki.state).toBe('closed-unverified');
    expect(onlyLoki.reason).toContain('1 of 3 criteria hold');
    expect(onlyLoki.criteria.map((c) => c.status)).toEqual(['pass', 'not-proven', 'not-proven']);
    const all = deriveCellState(
      closed,
      [check('pass', T(12, 1), 'loki'), check('pass', T(12, 2), 'tempo'), check('pass', T(12, 3), 'faro-route')],
      faroCode,
    );
    expect(all.state).toBe('verified');
    expect(all.lastVerifiedAt).toBe(T(12, 3));
  });

  it('a log-only app that used to verify its cell: the Loki criterion fails with the reason the probe gave', () => {
    const loki = {
      ...check('fail', T(12), 'loki'),
      message: 'no browser errors, no Web Vitals for {service_name="x"}',
    };
    const state = deriveCellState(
      closed,
      [loki, check('pass', T(12, 1), 'tempo'), check('pass', T(12, 2), 'faro-route')],
      faroCode,
    );
    expect(state.state).toBe('closed-unverified');
    expect(state.reason).toContain('no Web Vitals');
    expect(state.criteria[0]).toMatchObject({ holds: false, status: 'fail', regressed: false });
  });

  it('has regressed when a criterion that held now fails (or errs)', () => {
    const state = deriveCellState(closed, [check('pass', T(11)), check('error', T(12))], profiles);
    expect(state.state).toBe('regressed');
    expect(state.lastVerifiedAt).toBe(T(11));
    expect(state.criteria[0].regressed).toBe(true);
  });

  it('keeps not configured and insufficient data closed-unverified with the reason, never regressed', () => {
    const notConfigured = deriveCellState(closed, [check('pass', T(11)), check('not-configured', T(12))], profiles);
    expect(notConfigured.state).toBe('closed-unverified');
    expect(notConfigured.reason).toContain('pyroscope said not-configured');
    const latency: CellProofSpec = {
      part: 'code',
      criteria: [
        {
          text: 'No measurable performance regression',
          proof: { kind: 'latency', quantile: 0.95, maxIncreasePercent: 10, minSpans: 100, windowMinutes: 60 },
        },
      ],
    };
    const few = {
      ...check('insufficient-data', T(12), 'latency'),
      message: 'Too few server spans to compare: 3 before, 4 after',
    };
    const state = deriveCellState(closed, [check('pass', T(11), 'latency'), few], latency);
    expect(state.state).toBe('closed-unverified');
    expect(state.reason).toContain('Too few server spans');
    expect(state.criteria[0].status).toBe('insufficient-data');
  });

  it('has not regressed when one criterion passed but another never did: it was never verified', () => {
    const state = deriveCellState(closed, [check('pass', T(11), 'loki'), check('fail', T(11, 1), 'tempo')], faroCode);
    expect(state.state).toBe('closed-unverified');
    expect(state.lastVerifiedAt).toBeNull();
    expect(state.reason).toContain('tempo said fail');
  });

  it('is ready to close when every criterion holds but the issue is still open', () => {
    const open = issue({ assignees: ['ivan'] });
    const ready = deriveCellState(open, [check('pass', T(12))], profiles);
    expect(ready.state).toBe('ready-to-close');
    expect(ready.reason).toContain('ready to close');
    // One criterion not holding is ordinary work in progress.
    const partly = deriveCellState(open, [check('pass', T(12, 1), 'loki'), check('fail', T(12, 2), 'tempo')], faroCode);
    expect(partly.state).toBe('in-progress');
    // Closing it makes it verified.
    expect(deriveCellState(closed, [check('pass', T(12))], profiles).state).toBe('verified');
  });

  it('quotes a proof’s message inside its own sentence without a double period', () => {
    const failing = deriveCellState(
      closed,
      [{ ...check('fail', T(11)), message: 'propagate traceparent to it.' }],
      profiles,
    );
    expect(failing.reason).not.toContain('..');
    expect(failing.reason).toContain('propagate traceparent to it)');
  });

  it('a current sign-off makes a sign-off criterion hold, shown as signed off, never as passed by data', () => {
    const ready = check('pass', T(11), 'gate-ready');
    const without = deriveCellState(closed, [ready], gate, [], NOW);
    expect(without.state).toBe('closed-unverified');
    expect(without.criteria[1]).toMatchObject({ status: 'needs-sign-off', holds: false });
    const signed = deriveCellState(closed, [ready], gate, [signOff()], NOW);
    expect(signed.state).toBe('verified');
    expect(signed.criteria[1]).toMatchObject({ status: 'signed-off', holds: true, check: null });
    expect(signed.criteria[1].reason).toContain('Signed off by ivan@example.org');
  });

  it('an expired or revoked sign-off no longer holds, and says so; a newer sign-off decides', () => {
    const ready = check('pass', T(11), 'gate-ready');
    const expired = deriveCellState(closed, [ready], gate, [signOff({ expiresAt: T(15) })], NOW);
    expect(expired.state).toBe('closed-unverified');
    expect(expired.criteria[1].reason).toContain('expired on 2026-11-15');
    const revoked = deriveCellState(
      closed,
      [ready],
      gate,
      [signOff({ revokedAt: T(13), revokedBy: 'admin@example.org' })],
      NOW,
    );
    expect(revoked.criteria[1]).toMatchObject({ status: 'needs-sign-off', holds: false, regressed: false });
    expect(revoked.criteria[1].reason).toContain('revoked by admin@example.org');
    const again = deriveCellState(
      closed,
      [ready],
      gate,
      [signOff({ revokedAt: T(13) }), signOff({ id: 's2', signedAt: T(14) })],
      NOW,
    );
    expect(again.state).toBe('verified');
  });

  it('a sign-off for other words (a reworded criterion) does not count', () => {
    const state = deriveCellState(
      closed,
      [check('pass', T(11), 'gate-ready')],
      gate,
      [signOff({ criterionText: 'old words' })],
      NOW,
    );
    expect(state.criteria[1].holds).toBe(false);
  });
});

describe('deriveCellState, pinned decisions', () => {
  it('never verifies a cell without criteria: a closed issue stays unverified, an open one is not ready to close', () => {
    const none: CellProofSpec = { part: 'code', criteria: [] };
    expect(deriveCellState(closed, [check('pass', T(11))], none).state).toBe('closed-unverified');
    expect(deriveCellState(issue({ assignees: ['ivan'] }), [check('pass', T(11))], none).state).toBe('in-progress');
    expect(deriveCellState(closed, [], none).lastVerifiedAt).toBeNull();
  });

  it('dates a verified cell by its newest proof, whatever order the criteria come in', () => {
    const all = deriveCellState(
      closed,
      [check('pass', T(12, 3), 'loki'), check('pass', T(12, 1), 'tempo'), check('pass', T(12, 2), 'faro-route')],
      faroCode,
    );
    expect(all.lastVerifiedAt).toBe(T(12, 3));
  });

  it('dates a cell that held before by the earliest time every criterion had held', () => {
    // Loki held last on day 13, Tempo on day 11, the route on day 12; Loki fails now.
    const state = deriveCellState(
      closed,
      [
        check('pass', T(13), 'loki'),
        check('fail', T(14), 'loki'),
        check('pass', T(11), 'tempo'),
        check('pass', T(12), 'faro-route'),
      ],
      faroCode,
    );
    expect(state.state).toBe('regressed');
    expect(state.lastVerifiedAt).toBe(T(11));
  });

  it('counts an open issue with proofs that held as work started, even with nobody assigned', () => {
    const state = deriveCellState(issue(), [check('pass', T(11)), check('fail', T(12))], profiles);
    expect(state.state).toBe('in-progress');
  });

  it('says each state in a sentence that names the issue', () => {
    expect(deriveCellState(null, [], profiles).reason).toBe('No GitHub issue synced for this cell yet.');
    expect(deriveCellState(issue(), [], profiles).reason).toBe('Issue #12 is open, nobody assigned yet.');
    expect(deriveCellState(issue({ assignees: ['ivan'] }), [], profiles).reason).toBe(
      'Issue #12 is open and being worked on.',
    );
    expect(deriveCellState(closed, [check('pass', T(11))], profiles).reason).toBe(
      'Issue #12 is closed and all 1 acceptance criteria hold.',
    );
    expect(deriveCellState(closed, [check('pass', T(11)), check('fail', T(12))], profiles).reason).toBe(
      'Held before, failing now (“Profiling data for traction visible in Pyroscope”: pyroscope said fail).',
    );
  });

  it('names only the criteria that do not hold, shortens long ones, and drops a trailing period', () => {
    const long: CellProofSpec = {
      part: 'code',
      criteria: [
        { text: 'Profiling data for traction visible in Pyroscope', proof: { kind: 'profiles' } },
        {
          text: 'CPU flame graphs visible and navigable for every service name this service sends',
          proof: { kind: 'cpu-flame-graph', minDepth: 3 },
        },
        { text: 'Browser traces appear in Tempo', proof: { kind: 'traces', linkedToBackend: false } },
      ],
    };
    const flame = { ...check('fail', T(12), 'flame-graph'), message: 'only a root frame.' };
    const tempo = { ...check('error', T(12), 'tempo'), message: 'Tempo answered 503' };
    const state = deriveCellState(closed, [check('pass', T(12)), flame, tempo], long);
    expect(state.reason).toBe(
      'Issue #12 is closed, but 1 of 3 criteria hold (“CPU flame graphs visible and navigable for every service…”: ' +
        'only a root frame; “Browser traces appear in Tempo”: Tempo answered 503).',
    );
  });
});

describe('latestPerCheck', () => {
  it('keeps the newest result of each check whatever the input order, newest first', () => {
    const newest = latestPerCheck([
      check('fail', T(11), 'loki'),
      check('pass', T(13), 'loki'),
      check('error', T(12), 'loki'),
      check('pass', T(12, 5), 'tempo'),
    ]);
    expect(newest.map((c) => `${c.check} ${c.status} ${c.checkedAt}`)).toEqual([
      `loki pass ${T(13)}`,
      `tempo pass ${T(12, 5)}`,
    ]);
    // On a tie the first one read stays.
    expect(latestPerCheck([check('fail', T(11)), check('pass', T(11))])[0].status).toBe('fail');
  });
});
