import { describe, expect, it } from 'vitest';
import type { Criterion } from '../plan/schema';
import { deriveCriteria, lastHeldAt } from './criteria';
import type { CheckFact, SignOffFact } from './types';

const T = (day: number) => `2026-11-${String(day).padStart(2, '0')}T09:00:00.000Z`;
const check = (status: CheckFact['status'], checkedAt: string, name = 'pyroscope', message: string | null = null) =>
  ({
    cellKey: 'gate/infrastructure',
    check: name,
    target: 't',
    status,
    message,
    durationMs: 5,
    checkedAt,
  }) as CheckFact;
const RBAC: Criterion = {
  text: 'Any network policy or RBAC issues identified and resolved',
  proof: { kind: 'sign-off' },
};
const PROFILES: Criterion = { text: 'Profiling data visible in Pyroscope', proof: { kind: 'profiles' } };
const signOff = (overrides: Partial<SignOffFact> = {}): SignOffFact => ({
  id: 's1',
  cellKey: 'gate/infrastructure',
  criterion: 0,
  criterionText: RBAC.text,
  by: 'ivan',
  note: '',
  signedAt: T(10),
  expiresAt: null,
  revokedAt: null,
  revokedBy: null,
  ...overrides,
});
const NOW = T(20);
const one = (criterion: Criterion, checks: CheckFact[], signOffs: SignOffFact[] = []) =>
  deriveCriteria([criterion], checks, signOffs, NOW)[0];

describe('a criterion proven by a sign-off', () => {
  it('needs one until someone signs, and says so', () => {
    expect(one(RBAC, [])).toMatchObject({
      status: 'needs-sign-off',
      holds: false,
      checkedAt: null,
      reason: 'No data can prove this: it needs a sign-off.',
    });
  });

  it('is decided by the newest sign-off for its own words and position, in whatever order they come', () => {
    const older = signOff({ id: 'a', signedAt: T(10), revokedAt: T(11), revokedBy: 'ana' });
    const newer = signOff({ id: 'b', signedAt: T(12), note: 'allowed port 4040' });
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const state = one(RBAC, [], order);
      expect(state.signOff?.id).toBe('b');
      expect(state).toMatchObject({ status: 'signed-off', holds: true, checkedAt: T(12) });
      expect(state.reason).toBe('Signed off by ivan on 2026-11-12: allowed port 4040');
    }
    // Another criterion's sign-off (another position, or the same position reworded) does not count.
    expect(one(RBAC, [], [signOff({ criterion: 1 })]).status).toBe('needs-sign-off');
    expect(one(RBAC, [], [signOff({ criterionText: 'Network policy reviewed' })]).status).toBe('needs-sign-off');
  });

  it('names the revoker, or "someone" when it is not known', () => {
    expect(one(RBAC, [], [signOff({ revokedAt: T(11), revokedBy: 'ana' })]).reason).toBe(
      'Sign-off by ivan was revoked by ana on 2026-11-11.',
    );
    expect(one(RBAC, [], [signOff({ revokedAt: T(11) })]).reason).toBe(
      'Sign-off by ivan was revoked by someone on 2026-11-11.',
    );
  });

  it('expires at its expiry time exactly, and until then says until when', () => {
    const expired = one(RBAC, [], [signOff({ expiresAt: NOW })]);
    expect(expired).toMatchObject({ status: 'needs-sign-off', holds: false, regressed: false });
    expect(expired.reason).toBe('Sign-off by ivan expired on 2026-11-20: it needs signing again.');
    const current = one(RBAC, [], [signOff({ expiresAt: T(25) })]);
    expect(current).toMatchObject({ status: 'signed-off', holds: true });
    expect(current.reason).toBe('Signed off by ivan on 2026-11-10, until 2026-11-25');
  });

  it('dates when it last held by the sign-off, and never when it does not hold', () => {
    const held = one(RBAC, [], [signOff({ signedAt: T(12) })]);
    expect(lastHeldAt(held, [])).toBe(T(12));
    expect(lastHeldAt(one(RBAC, []), [])).toBeNull();
  });
});

describe('a criterion proven by data', () => {
  it('has regressed only when a pass came strictly before its newest failure or error', () => {
    expect(one(PROFILES, [check('pass', T(10)), check('fail', T(11))])).toMatchObject({ regressed: true });
    expect(one(PROFILES, [check('error', T(11)), check('pass', T(10))])).toMatchObject({ regressed: true });
    expect(one(PROFILES, [check('error', T(10)), check('fail', T(11))])).toMatchObject({ regressed: false });
    // Another check's pass is not this criterion's.
    expect(one(PROFILES, [check('pass', T(10), 'loki'), check('fail', T(11))])).toMatchObject({ regressed: false });
  });

  it('says why in the proof’s own words, or in a word when the proof gave none', () => {
    expect(one(PROFILES, [check('pass', T(10))]).reason).toBe('Passed.');
    expect(one(PROFILES, [check('fail', T(10))]).reason).toBe('fail');
    expect(one(PROFILES, [check('fail', T(10), 'pyroscope', 'no profiles for "x"')]).reason).toBe(
      'no profiles for "x"',
    );
  });

  it('carries its newest result’s evidence, and none before it is checked', () => {
    const withEvidence = {
      ...check('pass', T(11)),
      evidence: { services: [{ serviceName: 'x', profileTypes: ['cpu'], lastSeenAt: T(11) }] },
    } as CheckFact;
    expect(one(PROFILES, [check('fail', T(10)), withEvidence]).evidence).toEqual(withEvidence.evidence);
    expect(one(PROFILES, [check('pass', T(10))]).evidence).toBeNull();
    expect(one(PROFILES, [])).toMatchObject({ status: 'not-proven', reason: 'Not checked yet.', evidence: null });
  });

  it('dates when it last held by its newest pass, in any order, ignoring other checks and failures', () => {
    const checks = [check('pass', T(12)), check('pass', T(14), 'loki'), check('fail', T(15)), check('pass', T(10))];
    expect(lastHeldAt(one(PROFILES, checks), checks)).toBe(T(12));
    expect(lastHeldAt(one(PROFILES, [check('fail', T(10))]), [check('fail', T(10))])).toBeNull();
  });
});
