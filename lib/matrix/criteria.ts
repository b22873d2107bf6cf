import { PROOF_LABELS, proofCheckName } from '../plan/proofs';
import type { Criterion } from '../plan/schema';
import type { CheckFact, CriterionState, SignOffFact } from './types';

const newestFirst = <T extends { checkedAt: string }>(a: T, b: T) => b.checkedAt.localeCompare(a.checkedAt);

/** The sign-off that decides a criterion: the newest one given for these exact words. */
function newestSignOff(criterion: Criterion, index: number, signOffs: SignOffFact[]): SignOffFact | null {
  let newest: SignOffFact | null = null;
  for (const s of signOffs)
    if (s.criterion === index && s.criterionText === criterion.text && (!newest || s.signedAt > newest.signedAt))
      newest = s;
  return newest;
}

const day = (iso: string) => iso.slice(0, 10);

function signOffState(
  base: Omit<CriterionState, 'status' | 'holds' | 'regressed' | 'reason' | 'checkedAt' | 'evidence' | 'signOff'>,
  signOff: SignOffFact | null,
  now: string,
): CriterionState {
  const rest = { ...base, evidence: null, signOff, checkedAt: signOff?.signedAt ?? null };
  if (!signOff)
    return {
      ...rest,
      status: 'needs-sign-off',
      holds: false,
      regressed: false,
      reason: 'No data can prove this: it needs a sign-off.',
    };
  if (signOff.revokedAt)
    return {
      ...rest,
      status: 'needs-sign-off',
      holds: false,
      // A revoked sign-off is withdrawn, not failed data: the cell is unverified again, not regressed.
      regressed: false,
      reason: `Sign-off by ${signOff.by} was revoked by ${signOff.revokedBy ?? 'someone'} on ${day(signOff.revokedAt)}.`,
    };
  if (signOff.expiresAt && signOff.expiresAt <= now)
    return {
      ...rest,
      status: 'needs-sign-off',
      holds: false,
      regressed: false,
      reason: `Sign-off by ${signOff.by} expired on ${day(signOff.expiresAt)}: it needs signing again.`,
    };
  const until = signOff.expiresAt ? `, until ${day(signOff.expiresAt)}` : '';
  const note = signOff.note ? `: ${signOff.note}` : '';
  return {
    ...rest,
    status: 'signed-off',
    holds: true,
    regressed: false,
    reason: `Signed off by ${signOff.by} on ${day(signOff.signedAt)}${until}${note}`,
  };
}

/**
 * Each acceptance criterion of one cell, from its proof's newest result (or its newest sign-off).
 * Pure. A criterion holds when its newest result passes or it has a current sign-off; it has
 * regressed when its newest result fails (or errs) after an earlier pass. Not configured and
 * insufficient data never hold and never regress: they say why the cell cannot be decided.
 */
export function deriveCriteria(
  criteria: Criterion[],
  checks: CheckFact[],
  signOffs: SignOffFact[],
  now: string,
): CriterionState[] {
  return criteria.map((criterion, index) => {
    const check = proofCheckName(criterion.proof);
    const base = {
      index,
      text: criterion.text,
      proof: criterion.proof,
      proofLabel: PROOF_LABELS[criterion.proof.kind],
      check,
    };
    if (check === null) return signOffState(base, newestSignOff(criterion, index, signOffs), now);
    const results = checks.filter((c) => c.check === check).sort(newestFirst);
    const newest = results[0];
    if (!newest)
      return {
        ...base,
        status: 'not-proven',
        holds: false,
        regressed: false,
        reason: 'Not checked yet.',
        checkedAt: null,
        evidence: null,
        signOff: null,
      };
    const holds = newest.status === 'pass';
    const failing = newest.status === 'fail' || newest.status === 'error';
    const passedBefore = results.some((c) => c.status === 'pass' && c.checkedAt < newest.checkedAt);
    return {
      ...base,
      status: newest.status,
      holds,
      regressed: failing && passedBefore,
      reason: newest.message ?? (holds ? 'Passed.' : newest.status),
      checkedAt: newest.checkedAt,
      evidence: newest.evidence ?? null,
      signOff: null,
    };
  });
}

/** The newest pass of each criterion (or its current sign-off's time); null for one that never held. */
export function lastHeldAt(state: CriterionState, checks: CheckFact[]): string | null {
  if (state.check === null) return state.holds ? (state.signOff?.signedAt ?? null) : null;
  let newest: string | null = null;
  for (const c of checks)
    if (c.check === state.check && c.status === 'pass' && (newest === null || c.checkedAt > newest))
      newest = c.checkedAt;
  return newest;
}
